#if canImport(Glibc)
import Glibc
#endif
import EdgeSystem
import Synchronization

/// JSON lines to a serial port: the port in raw mode at the configured baud, a bounded queue that drops
/// the oldest line when the port cannot keep up, and one writer thread draining it. `write(line:)`
/// never blocks the caller. Call `close()` when done: the writer thread keeps the object alive until then.
///
/// A port that goes away (a USB adapter unplugged, a pty closed: writes fail) is closed, logged once and
/// reopened every `reconnectSeconds` until it is back; lines meanwhile wait in the queue, whose overflow is
/// counted as dropped, and the line whose write failed is counted as dropped too. Every line handed to
/// `write(line:)` ends up counted as delivered or dropped (`close()` logs both).
public final class SerialLineWriter: @unchecked Sendable {
    public let port: String
    /// For logs: "serial /dev/ttyS1".
    public var name: String { "serial \(port)" }
    private let baud: Int
    private let system: any SystemCalls
    private var file: DeviceFile?
    private let queue: BoundedLineQueue
    private var thread: pthread_t?
    private let log: @Sendable (String) -> Void
    private let reconnectSeconds: Double
    private let counts = Mutex<(delivered: Int, failed: Int)>((0, 0))
    private var droppedAtLoss = 0

    /// Opens `port` and sets termios raw 8N1 at `baud`.
    /// - Throws: `SystemError` naming the port (EBUSY with the holder, EACCES with the `dialout` group).
    public init(port: String, baud: Int, queueCapacity: Int = 256, reconnectSeconds: Double = 1,
                system: any SystemCalls = LinuxSystemCalls(), log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.port = port
        self.baud = baud
        self.system = system
        self.log = log
        self.reconnectSeconds = reconnectSeconds
        file = try Self.open(port: port, baud: baud, system: system)
        queue = BoundedLineQueue(capacity: queueCapacity)
        startWriter()
    }

    private static func open(port: String, baud: Int, system: any SystemCalls) throws -> DeviceFile {
        let file = try DeviceHolders(system: system).open(port, flags: [.writeOnly, .noControllingTerminal])
        do {
            var attributes = try file.terminalAttributes()
            do {
                try attributes.makeRaw(baud: baud)
            } catch let error as SystemError {
                throw error.on(port)
            }
            try file.setTerminalAttributes(attributes)
        } catch {
            file.close()
            throw error
        }
        return file
    }

    deinit { close() }

    /// Queues one line (a newline is added).
    public func write(line: String) { queue.push(line) }

    /// Lines dropped: the queue overflowed (a slow or absent port) or their write failed.
    public var dropped: Int { queue.dropped + counts.withLock { $0.failed } }

    /// Lines written to the port.
    public var delivered: Int { counts.withLock { $0.delivered } }

    /// Writes what is queued, then stops the writer thread and closes the port. Lines still queued while the
    /// port is away are counted as dropped.
    public func close() {
        queue.close()
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
            log("\(name): \(delivered) lines delivered, \(dropped) dropped")
        }
        file?.close()
        file = nil
    }

    private func drain() {
        while let line = queue.pop() {
            if file == nil, !reconnect() {
                counts.withLock { $0.failed += 1 + queue.pending }
                while queue.pop() != nil {}
                return
            }
            do {
                try file!.write(Array((line + "\n").utf8))
                counts.withLock { $0.delivered += 1 }
            } catch {
                droppedAtLoss = dropped
                counts.withLock { $0.failed += 1 }
                file?.close()
                file = nil
                log("serial \(error); reconnecting every \(reconnectSeconds) s, lines wait in the queue (\(queue.capacity), oldest dropped)")
            }
        }
    }

    /// Reopens the port every `reconnectSeconds` until it opens (true) or the writer is closed (false).
    private func reconnect() -> Bool {
        let lostAt = MonotonicClock().now()
        while !queue.isClosed {
            usleep(UInt32(reconnectSeconds * 1_000_000))
            if let reopened = try? Self.open(port: port, baud: baud, system: system) {
                file = reopened
                let tenths = Int(((MonotonicClock().now() - lostAt) * 10).rounded())
                log("\(name): back after \(tenths / 10).\(tenths % 10) s (\(dropped - droppedAtLoss) lines dropped meanwhile)")
                return true
            }
        }
        return false
    }

    private func startWriter() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { argument in
            let writer = Unmanaged<SerialLineWriter>.fromOpaque(argument!).takeRetainedValue()
            writer.drain()
            return nil
        }, context)
        if result == 0 {
            thread = handle
        } else {
            Unmanaged<SerialLineWriter>.fromOpaque(context).release()
            log("serial \(port): cannot start the writer thread (errno \(result)); lines are dropped")
        }
    }
}
