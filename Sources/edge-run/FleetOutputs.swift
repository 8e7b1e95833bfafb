import EdgeApp
import EdgeBoardConfig
import EdgeFleet
import EdgeInference
import Foundation

/// The board config's `mqtt` and `metrics` sections made into report sinks, and their wiring to the application
/// (MQTT commands, metrics probes) once it exists.
struct FleetOutputs {
    static let version = "0.9.0"

    var mqtt: MQTTPublisher?
    var metrics: TextfileMetrics?

    var sinks: [ReportSink] { [mqtt as ReportSink?, metrics].compactMap { $0 } }

    /// - Throws: `FleetSetupError` for an unreadable password, TLS or metrics path.
    init(board: BoardConfig, modelPath: String, log: @escaping @Sendable (String) -> Void) throws {
        guard board.mqtt != nil || board.metrics != nil else { return }
        let clientID = board.mqtt?.clientID ?? MQTTConfig.defaultClientID(hostName: ProcessInfo.processInfo.hostName)
        let kernels = (try? KernelTable.fromEnvironment().name) ?? KernelTable.reference.name
        let identity = BoardIdentity(board: board.board, clientID: clientID, version: Self.version,
                                     model: (modelPath as NSString).lastPathComponent, kernels: kernels)
        if let config = board.mqtt { mqtt = try MQTTPublisher(config: config, identity: identity, log: log) }
        if let config = board.metrics {
            do {
                metrics = try TextfileMetrics(config: config, identity: identity, log: log)
            } catch {
                mqtt?.close(drainSeconds: 0)
                throw error
            }
        }
    }

    /// Commands call the same actions as signals: `reload` like SIGHUP, `snapshot` writes the next frame.
    func attach(application: EdgeRunApplication, reload: @escaping @Sendable () -> Void) {
        let pipeline = application.pipeline
        mqtt?.onCommand { command in
            switch command {
            case .snapshot: pipeline.requestSnapshot()
            case .reload: reload()
            }
        }
        var mqttStatus: (@Sendable () -> MQTTPublisher.Status)?
        if let publisher = mqtt { mqttStatus = { publisher.status } }
        metrics?.attach(TextfileMetrics.Probes(
            framesCaptured: { pipeline.statistics.totals.captured },
            cameraReconnects: { application.cameraReconnects },
            mqtt: mqttStatus))
    }

    /// After the pipeline ended: drain and close MQTT (publishing `offline`), write the last metrics.
    func close() {
        mqtt?.close()
        metrics?.close()
    }
}
