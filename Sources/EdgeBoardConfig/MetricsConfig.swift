/// Prometheus metrics written as a node_exporter textfile-collector file (board config section `metrics`;
/// absent: no metrics file).
public struct MetricsConfig: Sendable, Equatable {
    /// The `.prom` file, replaced atomically (written beside it, then renamed) every `intervalSeconds`.
    public var textfile: String
    public var intervalSeconds: Double

    public init(textfile: String, intervalSeconds: Double = 10) {
        self.textfile = textfile
        self.intervalSeconds = intervalSeconds
    }
}

extension BoardConfig {
    static func readMetrics(_ root: ConfigObjectReader) throws -> MetricsConfig? {
        guard let reader = try root.object("metrics") else { return nil }
        let textfile = try reader.string("textfile")
        guard textfile.hasSuffix(".prom") else {
            throw reader.error("textfile", "'\(textfile)' must end in .prom (node_exporter's textfile collector reads only *.prom)")
        }
        let config = MetricsConfig(textfile: textfile,
                                   intervalSeconds: try reader.number("intervalSeconds", range: 0.5...3600, default: 10))
        try reader.finish()
        return config
    }
}
