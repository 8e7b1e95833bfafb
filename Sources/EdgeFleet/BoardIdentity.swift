/// What a board tells the fleet about itself: MQTT device and Prometheus info labels.
public struct BoardIdentity: Sendable, Equatable {
    /// The board config's `board` (hardware model), e.g. "Raspberry Pi 4 Model B".
    public var board: String
    /// MQTT client id, also the device name in Home Assistant (defaults to the host name).
    public var clientID: String
    public var version: String
    /// File name of the emotion model.
    public var model: String
    /// The CNN kernel table in use (`neondot`, `avx2`, `reference`, ...).
    public var kernels: String

    public init(board: String, clientID: String, version: String, model: String, kernels: String) {
        self.board = board
        self.clientID = clientID
        self.version = version
        self.model = model
        self.kernels = kernels
    }
}
