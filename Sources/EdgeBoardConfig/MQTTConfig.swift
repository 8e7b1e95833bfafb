/// Where and how `edge-run` publishes its events, state and Home Assistant discovery (board config section
/// `mqtt`; absent: no MQTT). No secret is held here: the password is read from `passwordFile` at start.
public struct MQTTConfig: Sendable, Equatable {
    /// TLS to the broker: the CA that signed the broker's certificate, optionally a client certificate.
    public struct TLS: Sendable, Equatable {
        public var caFile: String
        public var certFile: String?
        public var keyFile: String?
        /// Skips the check that the broker's certificate names `host`. Never the default.
        public var insecure: Bool

        public init(caFile: String, certFile: String? = nil, keyFile: String? = nil, insecure: Bool = false) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.insecure = insecure
        }
    }

    public var host: String
    public var port: Int
    /// nil: the host name (see `defaultClientID`).
    public var clientID: String?
    /// nil: `edge-run/<client id>`.
    public var topicPrefix: String?
    public var keepaliveSeconds: Int
    /// QoS of `<prefix>/event` messages.
    public var eventQoS: Int
    /// `<prefix>/state` is published on every change and at least this often otherwise.
    public var stateIntervalSeconds: Double
    /// Events waiting while the broker is unreachable; when full the oldest is dropped (and counted).
    public var queueCapacity: Int
    /// QoS 1/2 messages sent and not yet acknowledged by the broker.
    public var maxInflight: Int
    /// Longest wait between reconnection attempts (the wait doubles from 1 s up to this).
    public var reconnectMaxSeconds: Int
    /// Home Assistant discovery topic prefix; nil: no discovery messages.
    public var discoveryPrefix: String?
    /// Subscribe to `<prefix>/command` (`snapshot`, `reload`).
    public var commands: Bool
    public var username: String?
    /// File holding the password (first line); needs `username`.
    public var passwordFile: String?
    public var tls: TLS?

    public init(host: String, port: Int = 1883, clientID: String? = nil, topicPrefix: String? = nil,
                keepaliveSeconds: Int = 30, eventQoS: Int = 1, stateIntervalSeconds: Double = 30,
                queueCapacity: Int = 1000, maxInflight: Int = 20, reconnectMaxSeconds: Int = 30,
                discoveryPrefix: String? = "homeassistant", commands: Bool = false, username: String? = nil,
                passwordFile: String? = nil, tls: TLS? = nil) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.topicPrefix = topicPrefix
        self.keepaliveSeconds = keepaliveSeconds
        self.eventQoS = eventQoS
        self.stateIntervalSeconds = stateIntervalSeconds
        self.queueCapacity = queueCapacity
        self.maxInflight = maxInflight
        self.reconnectMaxSeconds = reconnectMaxSeconds
        self.discoveryPrefix = discoveryPrefix
        self.commands = commands
        self.username = username
        self.passwordFile = passwordFile
        self.tls = tls
    }

    /// A client id made from `hostName`: letters, digits, `-` and `_` kept, anything else becomes `-`.
    public static func defaultClientID(hostName: String) -> String {
        let cleaned = String(hostName.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" })
        return cleaned.isEmpty ? "edge-run" : cleaned
    }

    /// True for a topic (or prefix) usable for publishing: not empty, no wildcard, no leading or trailing `/`.
    static func isPublishTopic(_ topic: String) -> Bool {
        !topic.isEmpty && !topic.contains("+") && !topic.contains("#") && !topic.hasPrefix("/") && !topic.hasSuffix("/")
            && !topic.contains("\u{0}")
    }
}

extension BoardConfig {
    static func readMQTT(_ root: ConfigObjectReader) throws -> MQTTConfig? {
        guard let reader = try root.object("mqtt") else { return nil }
        var tls: MQTTConfig.TLS?
        if let tlsReader = try reader.object("tls") {
            let cert = try tlsReader.optionalString("certFile")
            let key = try tlsReader.optionalString("keyFile")
            if (cert == nil) != (key == nil) {
                throw tlsReader.error(cert == nil ? "certFile" : "keyFile", "give certFile and keyFile together (a client certificate and its key) or neither")
            }
            tls = MQTTConfig.TLS(caFile: try tlsReader.string("caFile"), certFile: cert, keyFile: key,
                                 insecure: try tlsReader.bool("insecure", default: false))
            try tlsReader.finish()
        }
        let clientID = try reader.optionalString("clientId")
        if let clientID, clientID.utf8.count > 128 || clientID.contains(where: { $0.isWhitespace || $0 == "/" }) {
            throw reader.error("clientId", "'\(clientID)' must be at most 128 bytes without spaces or '/'")
        }
        let prefix = try reader.optionalString("topicPrefix")
        if let prefix, !MQTTConfig.isPublishTopic(prefix) {
            throw reader.error("topicPrefix", "'\(prefix)' must not contain '+' or '#' nor start or end with '/'")
        }
        var discoveryPrefix: String? = try reader.string("discoveryPrefix", default: "homeassistant")
        if let text = discoveryPrefix, !MQTTConfig.isPublishTopic(text) {
            throw reader.error("discoveryPrefix", "'\(text)' must not contain '+' or '#' nor start or end with '/'")
        }
        if !(try reader.bool("discovery", default: true)) { discoveryPrefix = nil }
        let username = try reader.optionalString("username")
        let passwordFile = try reader.optionalString("passwordFile")
        if passwordFile != nil, username == nil {
            throw reader.error("passwordFile", "needs username (MQTT sends a password only with a user name)")
        }
        let config = MQTTConfig(
            host: try reader.string("host"),
            port: try reader.integer("port", range: 1...65535, default: tls == nil ? 1883 : 8883),
            clientID: clientID, topicPrefix: prefix,
            keepaliveSeconds: try reader.integer("keepaliveSeconds", range: 5...3600, default: 30),
            eventQoS: try reader.integer("eventQoS", range: 0...2, default: 1),
            stateIntervalSeconds: try reader.number("stateIntervalSeconds", range: 1...3600, default: 30),
            queueCapacity: try reader.integer("queueCapacity", range: 1...1_000_000, default: 1000),
            maxInflight: try reader.integer("maxInflight", range: 1...65535, default: 20),
            reconnectMaxSeconds: try reader.integer("reconnectMaxSeconds", range: 1...3600, default: 30),
            discoveryPrefix: discoveryPrefix, commands: try reader.bool("commands", default: false),
            username: username, passwordFile: passwordFile, tls: tls)
        try reader.finish()
        return config
    }
}
