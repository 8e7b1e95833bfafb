import EdgeBoardConfig

/// The topics one board publishes and listens on.
public struct MQTTTopics: Sendable, Equatable {
    public var prefix: String
    public var availability: String { prefix + "/availability" }
    public var state: String { prefix + "/state" }
    public var event: String { prefix + "/event" }
    public var command: String { prefix + "/command" }

    public init(config: MQTTConfig, clientID: String) {
        prefix = config.topicPrefix ?? "edge-run/\(clientID)"
    }
}
