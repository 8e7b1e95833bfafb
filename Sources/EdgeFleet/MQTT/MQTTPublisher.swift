import CMosquitto
import EdgeApp
import EdgeBoardConfig
import EdgeSystem
import Foundation

/// The commands accepted on `<prefix>/command` (payload is the command name).
public enum MQTTCommand: String, Sendable, CaseIterable {
    case snapshot, reload
}

/// Publishes a board's availability, state, announcement events and Home Assistant discovery to one MQTT broker
/// through libmosquitto, on a thread of its own that owns the libmosquitto handle (connect, reconnect with
/// backoff, send, receive): the pipeline's output thread only appends to a bounded queue under a lock.
///
/// Delivery: events (QoS `eventQoS`, 1 by default) wait in a queue of `queueCapacity` while the broker is away and
/// go out in order once it is back; when the queue is full the oldest is dropped and counted. Once handed to
/// libmosquitto (at most `maxInflight` unacknowledged at a time) a QoS 1 event is kept by it until the broker
/// acknowledges it, across reconnects. `availability` is `online` (retained) after each connect and `offline` on
/// `close()` or, as the broker's last will, when the board disappears.
public final class MQTTPublisher: ReportSink, @unchecked Sendable {
    public enum ConnectionState: String, Sendable {
        case connecting, connected, disconnected, stopped
    }

    public struct Status: Sendable, Equatable {
        public var state: ConnectionState
        /// Events waiting in the queue or sent and not yet acknowledged.
        public var queued: Int
        /// Events dropped because the queue was full.
        public var dropped: Int
        /// Events the broker acknowledged (QoS 0: handed to the socket).
        public var sent: Int
        public var reconnects: Int

        /// `mqtt connected, queued 0, dropped 0, sent 12, reconnects 1` (the `--stats` part).
        public var summary: String {
            "mqtt \(state.rawValue), queued \(queued), dropped \(dropped), sent \(sent), reconnects \(reconnects)"
        }
    }

    private struct Outgoing {
        var topic: String
        var payload: String
    }

    public let topics: MQTTTopics
    private let config: MQTTConfig
    private let identity: BoardIdentity
    private let log: @Sendable (String) -> Void
    private let handle: OpaquePointer
    private let broker: String

    private let lock = NSLock()
    // Guarded by `lock`:
    private var state = ConnectionState.connecting
    private var queue: BoundedEventQueue<Outgoing>
    private var unacknowledged: Set<Int32> = []
    private var sent = 0
    private var reconnects = 0
    private var sequence = 0
    private var latestState: String?
    private var stateUnsent = false
    private var lastStateKey: MQTTPayloads.StateKey?
    private var lastStateAt = -Double.infinity
    private var rate = FrameRateWindow()
    private var stopDeadline: Double?
    private var commandHandler: (@Sendable (MQTTCommand) -> Void)?
    // Only touched on the network thread (callbacks run there too):
    private var refusal: Int32?
    private var libraryError: String?
    private var everConnected = false
    /// The current connection got its CONNACK (an outage then is a lost connection, not a failed attempt).
    private var connectionUp = false
    private var outageStart: Double?
    private var offlineMessage: Int32?
    private let finished = DispatchSemaphore(value: 0)

    private static let libraryReady: Bool = {
        mosquitto_lib_init()
        return true
    }()

    /// Reads the password file and checks the TLS files, then starts connecting in the background.
    /// - Throws: `FleetSetupError` naming the file that cannot be read.
    public init(config: MQTTConfig, identity: BoardIdentity, log: @escaping @Sendable (String) -> Void) throws {
        self.config = config
        self.identity = identity
        self.log = log
        topics = MQTTTopics(config: config, clientID: identity.clientID)
        queue = BoundedEventQueue(capacity: config.queueCapacity)
        broker = "\(config.host):\(config.port)"
        var password: String?
        if let file = config.passwordFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw FleetSetupError("mqtt.passwordFile \(file) cannot be read: create it (the password on one line, readable by the edge-run user) or remove the key")
            }
            password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        if let tls = config.tls {
            for (key, file) in [("caFile", tls.caFile), ("certFile", tls.certFile), ("keyFile", tls.keyFile)] {
                if let file, !FileManager.default.isReadableFile(atPath: file) {
                    throw FleetSetupError("mqtt.tls.\(key) \(file) cannot be read: give a PEM file readable by the edge-run user")
                }
            }
        }
        _ = Self.libraryReady
        guard let handle = mosquitto_new(identity.clientID, true, nil) else {
            throw FleetSetupError("mqtt: libmosquitto could not create a client (out of memory)")
        }
        self.handle = handle
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        _ = mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311)
        _ = mosquitto_will_set(handle, topics.availability, 7, "offline", 1, true)
        if let username = config.username { _ = mosquitto_username_pw_set(handle, username, password) }
        if let tls = config.tls {
            let rc = mosquitto_tls_set(handle, tls.caFile, nil, tls.certFile, tls.keyFile, nil)
            if rc != Self.success {
                mosquitto_destroy(handle)
                throw FleetSetupError("mqtt.tls: libmosquitto rejects the TLS files (\(Self.describe(rc))): check caFile, certFile and keyFile")
            }
            _ = mosquitto_tls_insecure_set(handle, tls.insecure)
        }
        _ = mosquitto_max_inflight_messages_set(handle, UInt32(config.maxInflight))
        installCallbacks()
        let thread = Thread { [self] in
            networkLoop()
            finished.signal()
        }
        thread.name = "edge-mqtt"
        thread.start()
    }

    deinit {
        mosquitto_destroy(handle)
    }

    /// Called on the MQTT thread for each command received (only with `commands: true`).
    public func onCommand(_ handler: @escaping @Sendable (MQTTCommand) -> Void) {
        lock.withLock { commandHandler = handler }
    }

    public var status: Status {
        lock.withLock {
            Status(state: state, queued: queue.count + unacknowledged.count, dropped: queue.dropped, sent: sent,
                   reconnects: reconnects)
        }
    }

    // MARK: ReportSink (output thread)

    public func lineField() -> String? {
        let status = self.status
        return "\"mqtt\":{\"state\":\"\(status.state.rawValue)\",\"queued\":\(status.queued),\"dropped\":\(status.dropped)}"
    }

    public func observe(_ report: FrameReport) {
        let now = MonotonicClock().now()
        let key = MQTTPayloads.stateKey(report)
        lock.withLock {
            for change in report.changes {
                sequence += 1
                queue.append(Outgoing(topic: topics.event, payload: MQTTPayloads.event(
                    sequence: sequence, report: report, faceID: change.id, emotion: change.emotion)))
            }
            rate.frameDone(at: now)
            if key != lastStateKey || now - lastStateAt >= config.stateIntervalSeconds {
                latestState = MQTTPayloads.state(report, framesPerSecond: rate.framesPerSecond)
                stateUnsent = true
                lastStateKey = key
                lastStateAt = now
            }
        }
    }

    /// Sends what is queued (waiting up to `drainSeconds` while connected), publishes `offline`, disconnects and
    /// stops the MQTT thread. Logs what could not be sent.
    public func close(drainSeconds: Double = 3) {
        lock.withLock { stopDeadline = MonotonicClock().now() + drainSeconds }
        finished.wait()
        let status = self.status
        log("mqtt: stopped: \(status.sent) events sent, \(status.queued) unsent, \(status.dropped) dropped (queue full), \(status.reconnects) reconnects")
    }

    // MARK: Network thread

    private static let success = Int32(MOSQ_ERR_SUCCESS.rawValue)

    private func networkLoop() {
        var socketOpen = false
        var firstAttempt = true
        var retryAt = 0.0
        var delay = 1.0
        var attemptStarted = 0.0
        let clock = MonotonicClock()
        while true {
            let now = clock.now()
            let (deadline, connected) = lock.withLock { (stopDeadline, state == .connected) }
            // Stopping: wait (reconnecting if need be) until everything queued is acknowledged or the deadline.
            if let deadline, now >= deadline || drainedForStop(connected: connected) { break }
            if !socketOpen {
                if now < retryAt {
                    Thread.sleep(forTimeInterval: min(0.1, retryAt - now))
                    continue
                }
                refusal = nil
                libraryError = nil
                let rc = firstAttempt
                    ? mosquitto_connect_async(handle, config.host, Int32(config.port), Int32(config.keepaliveSeconds))
                    : mosquitto_reconnect_async(handle)
                let savedErrno = errno
                firstAttempt = false
                attemptStarted = now
                if rc != Self.success {
                    connectionFailed(cause(rc, errno: savedErrno))
                    retryAt = now + delay
                    delay = min(Double(config.reconnectMaxSeconds), delay * 2)
                    continue
                }
                socketOpen = true
            }
            let rc = mosquitto_loop(handle, 100, 1)
            let savedErrno = errno
            let isConnected = lock.withLock { state == .connected }
            if rc != Self.success {
                connectionFailed(cause(rc, errno: savedErrno))
                socketOpen = false
                retryAt = clock.now() + delay
                delay = min(Double(config.reconnectMaxSeconds), delay * 2)
            } else if isConnected {
                delay = 1
                pump()
            } else if clock.now() - attemptStarted > Double(max(10, config.keepaliveSeconds)) {
                connectionFailed("no MQTT answer within \(max(10, config.keepaliveSeconds)) s")
                _ = mosquitto_disconnect(handle)
                socketOpen = false
                retryAt = clock.now() + delay
                delay = min(Double(config.reconnectMaxSeconds), delay * 2)
            }
        }
        shutDown(socketOpen: socketOpen)
    }

    private func drainedForStop(connected: Bool) -> Bool {
        lock.withLock { queue.isEmpty && unacknowledged.isEmpty && !(connected && stateUnsent) }
    }

    /// Hands queued events (and the latest state) to libmosquitto while connected and under `maxInflight`.
    private func pump() {
        let qos = Int32(config.eventQoS)
        while true {
            let next: Outgoing? = lock.withLock {
                guard state == .connected, unacknowledged.count < config.maxInflight else { return nil }
                return queue.first
            }
            guard let next else { break }
            var mid: Int32 = 0
            let rc = publish(next.topic, next.payload, qos: qos, retain: false, mid: &mid)
            // QoS 0 while the connection drops: keep it here and retry after the reconnect.
            let retryLater = qos == 0 && rc != Self.success && Self.keptByLibrary(rc)
            let accepted = qos > 0 ? Self.keptByLibrary(rc) : rc == Self.success
            if retryLater { break }
            lock.withLock {
                _ = queue.removeFirst()
                if !accepted {
                    log("mqtt: event dropped: libmosquitto rejected it (\(Self.describe(rc)))")
                } else if qos > 0 {
                    unacknowledged.insert(mid)
                } else {
                    sent += 1
                }
            }
        }
        let stateMessage: String? = lock.withLock {
            guard stateUnsent, state == .connected else { return nil }
            stateUnsent = false
            return latestState
        }
        if let stateMessage {
            var mid: Int32 = 0
            _ = publish(topics.state, stateMessage, qos: 0, retain: true, mid: &mid)
        }
    }

    /// For QoS 1/2, libmosquitto queues the message before trying to send it: these results mean it keeps and
    /// (re)sends it; others (invalid topic, payload too large, out of memory) mean it was refused.
    private static func keptByLibrary(_ rc: Int32) -> Bool {
        [MOSQ_ERR_SUCCESS, MOSQ_ERR_NO_CONN, MOSQ_ERR_CONN_LOST, MOSQ_ERR_ERRNO].map { Int32($0.rawValue) }.contains(rc)
    }

    private func publish(_ topic: String, _ payload: String, qos: Int32, retain: Bool, mid: inout Int32) -> Int32 {
        var bytes = Array(payload.utf8)
        return mosquitto_publish(handle, &mid, topic, Int32(bytes.count), &bytes, qos, retain)
    }

    private func shutDown(socketOpen: Bool) {
        let connected = lock.withLock { state == .connected }
        if socketOpen && connected {
            var mid: Int32 = 0
            _ = publish(topics.availability, "offline", qos: 1, retain: true, mid: &mid)
            offlineMessage = mid
            let until = MonotonicClock().now() + 1
            while offlineMessage != nil, MonotonicClock().now() < until {
                if mosquitto_loop(handle, 50, 1) != Self.success { break }
            }
            _ = mosquitto_disconnect(handle)
            _ = mosquitto_loop(handle, 50, 1)
        }
        lock.withLock { state = .stopped }
    }

    private func connectionFailed(_ cause: String) {
        lock.withLock { if state != .stopped { state = .disconnected } }
        let wasConnected = connectionUp
        connectionUp = false
        guard outageStart == nil else { return }  // logged once per outage
        outageStart = MonotonicClock().now()
        let what = wasConnected ? "lost the connection to broker \(broker)" : "cannot connect to broker \(broker)"
        log("mqtt: \(what): \(cause); retrying with backoff up to \(config.reconnectMaxSeconds) s, events wait in a queue of \(config.queueCapacity), the board keeps running")
    }

    private func cause(_ rc: Int32, errno savedErrno: Int32) -> String {
        if let refusal {
            let text = String(cString: mosquitto_connack_string(refusal))
            let hint = refusal == 4 || refusal == 5 ? " (check mqtt.username and mqtt.passwordFile)" : ""
            return "the broker refused the login: \(text)\(hint)"
        }
        if let libraryError {
            if let tls = config.tls, libraryError.contains("OpenSSL") || libraryError.lowercased().contains("certificate") {
                return "TLS failed: \(libraryError) (check mqtt.tls.caFile \(tls.caFile) signs the broker's certificate for \(config.host))"
            }
            return libraryError
        }
        if rc == Int32(MOSQ_ERR_ERRNO.rawValue) { return String(cString: strerror(savedErrno)) }
        return Self.describe(rc)
    }

    private static func describe(_ rc: Int32) -> String {
        String(cString: mosquitto_strerror(rc))
    }

    // MARK: libmosquitto callbacks (on the network thread, inside mosquitto_loop)

    private static func publisher(_ context: UnsafeMutableRawPointer?) -> MQTTPublisher {
        Unmanaged<MQTTPublisher>.fromOpaque(context!).takeUnretainedValue()
    }

    private func installCallbacks() {
        mosquitto_connect_callback_set(handle) { _, context, rc in MQTTPublisher.publisher(context).connected(rc) }
        mosquitto_disconnect_callback_set(handle) { _, context, _ in MQTTPublisher.publisher(context).disconnected() }
        mosquitto_publish_callback_set(handle) { _, context, mid in MQTTPublisher.publisher(context).acknowledged(mid) }
        mosquitto_message_callback_set(handle) { _, context, message in
            guard let message else { return }
            MQTTPublisher.publisher(context).received(message.pointee)
        }
        mosquitto_log_callback_set(handle) { _, context, level, text in
            guard level & MOSQ_LOG_ERR != 0, let text else { return }
            MQTTPublisher.publisher(context).libraryError = String(cString: text)
        }
    }

    private func connected(_ rc: Int32) {
        guard rc == 0 else {
            refusal = rc
            return
        }
        let now = MonotonicClock().now()
        let queued = lock.withLock {
            state = .connected
            if everConnected { reconnects += 1 }
            return queue.count + unacknowledged.count
        }
        if let outageStart {
            log(String(format: "mqtt: %@ broker %@ after %.1f s; %d queued events are being sent",
                       everConnected ? "reconnected to" : "connected to", broker, now - outageStart, queued))
        } else {
            log("mqtt: connected to broker \(broker) as \(identity.clientID), topics under \(topics.prefix)")
        }
        everConnected = true
        connectionUp = true
        outageStart = nil
        var mid: Int32 = 0
        _ = publish(topics.availability, "online", qos: 1, retain: true, mid: &mid)
        if let discoveryPrefix = config.discoveryPrefix {
            let discovery = HomeAssistantDiscovery(discoveryPrefix: discoveryPrefix, topics: topics, identity: identity)
            for message in discovery.messages { _ = publish(message.topic, message.payload, qos: 1, retain: true, mid: &mid) }
        }
        lock.withLock { if latestState != nil { stateUnsent = true } }
        if config.commands { _ = mosquitto_subscribe(handle, nil, topics.command, 1) }
    }

    private func disconnected() {
        lock.withLock { if state == .connected { state = .disconnected } }
    }

    private func acknowledged(_ mid: Int32) {
        if mid == offlineMessage { offlineMessage = nil }
        lock.withLock {
            if unacknowledged.remove(mid) != nil { sent += 1 }
        }
    }

    private func received(_ message: mosquitto_message) {
        guard let payload = message.payload, message.payloadlen > 0 else { return }
        let text = String(decoding: UnsafeRawBufferPointer(start: payload, count: Int(message.payloadlen)), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard let command = MQTTCommand(rawValue: text) else {
            log("mqtt: ignored command '\(text.prefix(40))' on \(topics.command): known commands are \(MQTTCommand.allCases.map(\.rawValue).joined(separator: ", "))")
            return
        }
        log("mqtt: command \(command.rawValue)")
        lock.withLock { commandHandler }?(command)
    }
}
