import Foundation

/// Builds a Prometheus text exposition (version 0.0.4): `# HELP`/`# TYPE` once per metric family, then samples.
struct PrometheusTextFormat {
    private(set) var text = ""

    mutating func family(_ name: String, type: String, help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    /// A family of one unlabelled sample.
    mutating func metric(_ name: String, type: String, help: String, _ value: Double) {
        family(name, type: type, help: help)
        sample(name, value)
    }

    mutating func sample(_ name: String, _ value: Double, labels: [(String, String)] = []) {
        text += name
        if !labels.isEmpty { text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}" }
        text += " " + Self.number(value) + "\n"
    }

    mutating func histogram(_ name: String, _ labels: [(String, String)], _ histogram: LatencyHistogram) {
        for (bound, count) in zip(LatencyHistogram.bounds, histogram.cumulativeCounts) {
            sample(name + "_bucket", Double(count), labels: labels + [("le", Self.number(bound))])
        }
        sample(name + "_bucket", Double(histogram.count), labels: labels + [("le", "+Inf")])
        sample(name + "_sum", histogram.sum, labels: labels)
        sample(name + "_count", Double(histogram.count), labels: labels)
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
