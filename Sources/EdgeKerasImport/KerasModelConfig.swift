import Foundation

/// One layer of a Keras model config (the `model_config` / `config.json` JSON).
struct KerasLayer {
    var name: String
    var className: String
    /// The layer's own `config` object.
    var config: [String: Any]
    /// Names of the layers whose outputs this layer reads, in argument order.
    var inbound: [String]
}

/// The layer graph of a Keras Functional or Sequential model, from Keras 2 / tf.keras or Keras 3 JSON.
struct KerasModelConfig {
    /// Name of the single input layer.
    var inputName: String
    /// Input shape without the batch axis (rank 1 or 3, channels last).
    var inputShape: [Int]
    /// Every layer but the input, in the order the config lists them.
    var layers: [KerasLayer]
    /// Name of the layer producing the model output.
    var outputName: String

    init(json: String) throws(KerasModelProblem) {
        guard let data = json.data(using: .utf8),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw KerasModelProblem("the model config is not a JSON object")
        }
        let className = root["class_name"] as? String ?? "?"
        switch className {
        case "Sequential":
            try self.init(sequential: root["config"] as Any)
        case "Model", "Functional":
            guard let config = root["config"] as? [String: Any] else {
                throw KerasModelProblem("the Functional model config has no 'config' object")
            }
            try self.init(functional: config)
        default:
            throw KerasModelProblem("model class '\(className)' is not supported (only Sequential and Functional models)")
        }
    }

    private init(sequential config: Any) throws(KerasModelProblem) {
        // Keras 2.0-2.2 stored the layer list directly; later versions wrap it in {"layers": [...]}.
        guard let list = (config as? [[String: Any]]) ?? ((config as? [String: Any])?["layers"] as? [[String: Any]]) else {
            throw KerasModelProblem("the Sequential model config has no layer list")
        }
        var layers = try list.map(Self.layer(from:))
        var inputName = "input"
        var inputShape: [Int]
        if let first = layers.first, first.className == "InputLayer" {
            inputName = first.name
            inputShape = try Self.batchShape(of: first)
            layers.removeFirst()
        } else if let first = layers.first {
            inputShape = try Self.batchShape(of: first)
        } else {
            throw KerasModelProblem("the Sequential model has no layers")
        }
        var previous = inputName
        for index in layers.indices {
            layers[index].inbound = [previous]
            previous = layers[index].name
        }
        self.inputName = inputName
        self.inputShape = inputShape
        self.layers = layers
        self.outputName = previous
    }

    private init(functional config: [String: Any]) throws(KerasModelProblem) {
        guard let list = config["layers"] as? [[String: Any]] else {
            throw KerasModelProblem("the Functional model config has no layer list")
        }
        var layers: [KerasLayer] = []
        for entry in list {
            var layer = try Self.layer(from: entry)
            let nodes = entry["inbound_nodes"] as? [Any] ?? []
            guard nodes.count <= 1 else {
                throw KerasModelProblem(layer: layer, "is called \(nodes.count) times (shared layers are not supported)")
            }
            layer.inbound = nodes.first.map(Self.inboundNames(in:)) ?? []
            layers.append(layer)
        }
        let inputs = layers.filter { $0.className == "InputLayer" }
        guard inputs.count == 1, let input = inputs.first else {
            throw KerasModelProblem("the model has \(inputs.count) input layers; exactly one is supported")
        }
        let outputs = Self.layerNames(in: config["output_layers"] as Any)
        guard outputs.count == 1, let output = outputs.first else {
            throw KerasModelProblem("the model has \(outputs.count) outputs; exactly one is supported")
        }
        self.inputName = input.name
        self.inputShape = try Self.batchShape(of: input)
        self.layers = layers.filter { $0.className != "InputLayer" }
        self.outputName = output
    }

    private static func layer(from entry: [String: Any]) throws(KerasModelProblem) -> KerasLayer {
        let config = entry["config"] as? [String: Any] ?? [:]
        guard let className = entry["class_name"] as? String,
              let name = (entry["name"] as? String) ?? (config["name"] as? String) else {
            throw KerasModelProblem("a layer entry has no class_name or name")
        }
        return KerasLayer(name: name, className: className, config: config, inbound: [])
    }

    /// Shape without the batch axis from `batch_input_shape` (Keras 2) or `batch_shape` (Keras 3).
    private static func batchShape(of layer: KerasLayer) throws(KerasModelProblem) -> [Int] {
        guard let shape = (layer.config["batch_input_shape"] ?? layer.config["batch_shape"]) as? [Any],
              shape.count >= 2 else {
            throw KerasModelProblem(layer: layer, "has no batch_input_shape/batch_shape; the input size must be fixed")
        }
        let dims = shape.dropFirst().compactMap { $0 as? Int }
        guard dims.count == shape.count - 1, dims.allSatisfy({ $0 > 0 }), dims.count == 1 || dims.count == 3 else {
            throw KerasModelProblem(layer: layer, "input shape \(shape) is not a fixed HxWxC image or vector")
        }
        return dims
    }

    /// Layer names read by one inbound node: Keras 2 `[[name, node, tensor, kwargs], ...]` or
    /// Keras 3 `{"args": [...], "kwargs": {...}}` with `keras_history` entries at any depth of args.
    private static func inboundNames(in node: Any) -> [String] {
        if let dictionary = node as? [String: Any], let args = dictionary["args"] {
            return kerasHistoryNames(in: args)
        }
        guard let list = node as? [Any] else { return [] }
        return list.compactMap { ($0 as? [Any])?.first as? String }
    }

    private static func kerasHistoryNames(in value: Any) -> [String] {
        if let dictionary = value as? [String: Any] {
            if let config = dictionary["config"] as? [String: Any], let history = config["keras_history"] as? [Any],
               let name = history.first as? String {
                return [name]
            }
            return []
        }
        if let list = value as? [Any] { return list.flatMap(kerasHistoryNames(in:)) }
        return []
    }

    /// `output_layers`: `[[name, node, tensor], ...]` or a single `[name, node, tensor]`.
    private static func layerNames(in value: Any) -> [String] {
        guard let list = value as? [Any] else { return [] }
        if let name = list.first as? String { return [name] }
        return list.compactMap { ($0 as? [Any])?.first as? String }
    }
}
