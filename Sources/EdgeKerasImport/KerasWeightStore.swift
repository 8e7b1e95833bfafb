/// Where a layer's weights live, keyed by Keras's variable names (kernel, bias, gamma, beta,
/// moving_mean, moving_variance, depthwise_kernel, pointwise_kernel).
protocol KerasWeightStore {
    func weights(of layer: KerasLayer) throws(KerasModelProblem) -> [String: KerasTensor]
}

/// Keras 2 / tf.keras / Keras 3 legacy `.h5`: datasets anywhere below `/model_weights/<layer>`,
/// named `<...>/kernel:0` (Keras 2) or `<...>/kernel` (Keras 3).
struct LegacyH5WeightStore: KerasWeightStore {
    let file: HDF5File

    func weights(of layer: KerasLayer) throws(KerasModelProblem) -> [String: KerasTensor] {
        var result: [String: KerasTensor] = [:]
        for path in file.datasets(under: "/model_weights/" + layer.name) {
            var role = String(path.split(separator: "/").last ?? "")
            if role.hasSuffix(":0") { role.removeLast(2) }
            result[role] = try file.floats(path)
        }
        return result
    }
}

/// Keras 3 `model.weights.h5` inside a `.keras` archive: `layers/<snake_case class name>[_n]/vars/0..n`,
/// numbered per class in the order of the model's layers, variables in creation order.
struct Keras3WeightStore: KerasWeightStore {
    let file: HDF5File
    private var groups: [String: String] = [:]

    init(file: HDF5File, layers: [KerasLayer]) {
        self.file = file
        var used: [String: Int] = [:]
        for layer in layers {
            let base = Self.snakeCase(layer.className)
            if let count = used[base] {
                used[base] = count + 1
                groups[layer.name] = "/layers/\(base)_\(count + 1)/vars"
            } else {
                used[base] = 0
                groups[layer.name] = "/layers/\(base)/vars"
            }
        }
    }

    func weights(of layer: KerasLayer) throws(KerasModelProblem) -> [String: KerasTensor] {
        guard let group = groups[layer.name] else { return [:] }
        let paths = file.datasets(under: group).sorted {
            Int($0.split(separator: "/").last ?? "") ?? 0 < Int($1.split(separator: "/").last ?? "") ?? 0
        }
        let roles = Self.variableNames(of: layer)
        guard paths.count == roles.count else {
            if paths.isEmpty && roles.isEmpty { return [:] }
            throw KerasModelProblem(layer: layer, "\(group) holds \(paths.count) variables, expected \(roles.count) (\(roles.joined(separator: ", ")))")
        }
        var result: [String: KerasTensor] = [:]
        for (role, path) in zip(roles, paths) { result[role] = try file.floats(path) }
        return result
    }

    /// Keras 3's variable creation order per layer class.
    private static func variableNames(of layer: KerasLayer) -> [String] {
        let bias = (layer.config["use_bias"] as? Bool ?? true) ? ["bias"] : []
        switch layer.className {
        case "Conv2D", "Dense": return ["kernel"] + bias
        case "DepthwiseConv2D": return ["depthwise_kernel"] + bias
        case "SeparableConv2D": return ["depthwise_kernel", "pointwise_kernel"] + bias
        case "BatchNormalization":
            return ((layer.config["scale"] as? Bool ?? true) ? ["gamma"] : [])
                + ((layer.config["center"] as? Bool ?? true) ? ["beta"] : [])
                + ["moving_mean", "moving_variance"]
        default: return []
        }
    }

    /// Keras's `to_snake_case`: "SeparableConv2D" -> "separable_conv2d", "BatchNormalization" ->
    /// "batch_normalization" (an underscore before each capital that starts a lowercase run, or
    /// that follows a lowercase letter).
    static func snakeCase(_ name: String) -> String {
        let characters = Array(name.filter { $0.isLetter || $0.isNumber || $0 == "_" })
        var result = ""
        for (index, character) in characters.enumerated() {
            if index > 0, character.isUppercase {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || (nextIsLower && previous != "_") { result.append("_") }
            }
            result.append(character)
        }
        return result.lowercased()
    }
}
