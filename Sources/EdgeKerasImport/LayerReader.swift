import EdgeGraph
import EdgeModel
import Foundation

/// Typed access to one layer's config attributes and weights; every failure names the layer.
struct LayerReader {
    let layer: KerasLayer
    let weights: [String: KerasTensor]

    func problem(_ message: String) -> KerasModelProblem { KerasModelProblem(layer: layer, message) }

    /// The attribute `key`, nil when absent or JSON null.
    private func value(_ key: String) -> Any? {
        guard let value = layer.config[key], !(value is NSNull) else { return nil }
        return value
    }

    func string(_ key: String, default fallback: String) throws(KerasModelProblem) -> String {
        guard let value = value(key) else { return fallback }
        if let string = value as? String { return string }
        // Keras 3 may serialize an activation as {"class_name": "...", "config": {"name": "relu"}}.
        if let object = value as? [String: Any], let config = object["config"] as? [String: Any],
           let name = config["name"] as? String {
            return name
        }
        throw problem("attribute '\(key)' is not a string")
    }

    func double(_ key: String, default fallback: Double) throws(KerasModelProblem) -> Double {
        guard let value = value(key) else { return fallback }
        guard let number = value as? NSNumber else { throw problem("attribute '\(key)' is not a number") }
        return number.doubleValue
    }

    func int(_ key: String, default fallback: Int) throws(KerasModelProblem) -> Int {
        guard let value = value(key) else { return fallback }
        guard let number = value as? Int else { throw problem("attribute '\(key)' is not an integer") }
        return number
    }

    /// `axis` as an int (Keras 3 may write a one-element list).
    func axis() throws(KerasModelProblem) -> Int {
        if let list = value("axis") as? [Int], list.count == 1 { return list[0] }
        return try int("axis", default: -1)
    }

    /// A (height, width) attribute such as `kernel_size` or `strides`: a list of two ints or one int.
    func pair(_ key: String, default fallback: (Int, Int)?) throws(KerasModelProblem) -> (Int, Int) {
        guard let value = value(key) else {
            guard let fallback else { throw problem("attribute '\(key)' is missing") }
            return fallback
        }
        // At most 2^16: window arithmetic (padding, output size) then cannot overflow.
        let plausible = 1...(1 << 16)
        if let single = value as? Int, plausible.contains(single) { return (single, single) }
        guard let list = value as? [Int], list.count == 2, list.allSatisfy(plausible.contains) else {
            throw problem("attribute '\(key)' is not two positive integers (at most 65536)")
        }
        return (list[0], list[1])
    }

    func requireChannelsLast() throws(KerasModelProblem) {
        let format = try string("data_format", default: "channels_last")
        guard format == "channels_last" else { throw problem("data_format '\(format)' is not supported (channels_last only)") }
    }

    /// The window of a conv or pool layer, with `padding` ("valid" or TensorFlow "same") resolved.
    func window(kernel: (Int, Int), strides: (Int, Int), inputShape: TensorShape) throws(KerasModelProblem) -> Window {
        let padding: Padding
        switch try string("padding", default: "valid").lowercased() {
        case "valid":
            padding = .valid
        case "same":
            padding = .same(input: inputShape, kernelHeight: kernel.0, kernelWidth: kernel.1,
                            strideHeight: strides.0, strideWidth: strides.1)
        case let other:
            throw problem("padding '\(other)' is not supported (valid, same)")
        }
        return Window(kernelHeight: kernel.0, kernelWidth: kernel.1, strideHeight: strides.0, strideWidth: strides.1,
                      padding: padding)
    }

    func tensor(_ role: String) throws(KerasModelProblem) -> KerasTensor {
        guard let tensor = weights[role] else {
            let present = weights.keys.sorted().joined(separator: ", ")
            throw problem("weight '\(role)' is missing from the file (found: \(present.isEmpty ? "none" : present))")
        }
        return tensor
    }

    /// A per-channel weight vector; `fallback` fills it when the weight is absent (nil: required).
    func vector(_ role: String, count: Int, default fallback: Float?) throws(KerasModelProblem) -> [Float] {
        guard weights[role] != nil || fallback == nil else { return [Float](repeating: fallback!, count: count) }
        let tensor = try tensor(role)
        guard tensor.values.count == count else {
            throw problem("weight '\(role)' has \(tensor.values.count) values for \(count) channels")
        }
        return tensor.values
    }

    /// The bias when `use_bias` (default true), else zeros.
    func bias(count: Int) throws(KerasModelProblem) -> [Float] {
        let useBias = (value("use_bias") as? Bool) ?? true
        return useBias ? try vector("bias", count: count, default: nil) : [Float](repeating: 0, count: count)
    }
}
