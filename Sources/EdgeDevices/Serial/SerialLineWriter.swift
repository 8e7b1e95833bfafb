#if canImport(Glibc)
import Glibc
#endif
import EdgeSystem

/// JSON lines to a serial port: the port in raw mode at the configured baud, a bounded queue that drops
/// the oldest line when the port cannot keep up, and one writer thread draining it. `write(line:)`
/// never blocks the caller. Call `close()` when done: the writer thread keeps the object alive until then.
public final class SerialLineWriter: @unchecked Sendable {
    public let port: String
    /// For logs: "serial /dev/ttyS1".
    public var name: String { "serial \(port)" }
    private let file: DeviceFile
    private let queue: BoundedLineQueue
    private var thread: pthread_t?
    private let log: @Sendable (String) -> Void
    private var failures = 0

    /// Opens `port` and sets termios raw 8N1 at `baud`.
    /// - Throws: `SystemError` naming the port (EBUSY with the holder, EACCES with the `dialout` group).
    public init(port: String, baud: Int, queueCapacity: Int = 256, system: any SystemCalls = LinuxSystemCalls(),
                log: @escaping @Sendable (String) -> Void = { _ in }) throws {
        self.port = port
        self.log = log
        file = try DeviceHolders(system: system).open(port, flags: [.writeOnly, .noControllingTerminal])
        var attributes = try file.terminalAttributes()
        do {
            try attributes.makeRaw(baud: baud)
        } catch let error as SystemError {
            throw error.on(port)
        }
        try file.setTerminalAttributes(attributes)
        queue = BoundedLineQueue(capacity: queueCapacity)
        startWriter()
    }

    deinit { close() }

    /// Queues one line (a newline is added).
    public func write(line: String) { queue.push(line) }

    /// Lines dropped because the port was slower than the producer.
    public var dropped: Int { queue.dropped }

    /// Writes what is queued, then stops the writer thread and closes the port.
    public func close() {
        queue.close()
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
        file.close()
    }

    private func drain() {
        while let line = queue.pop() {
            do {
                try file.write(Array((line + "\n").utf8))
            } catch {
                failures += 1
                // Report the first failure and then every 100th, not every line.
                if failures == 1 || failures % 100 == 0 { log("serial \(port): \(error) (\(failures) lines lost)") }
            }
        }
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
