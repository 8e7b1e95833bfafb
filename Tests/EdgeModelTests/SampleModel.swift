import EdgeModel
import EdgeTestSupport

/// A small hand-built int8 model using every operation the runtime has:
/// input 8x8x1 -> conv 3x3 valid relu (4) -> depthwise 3x3 same (x2 = 8) -> max pool 2x2 s2
/// -> conv 1x1 (8) -> [add with the max pool] -> average pool 2x2 s1 same -> flatten
/// -> fully connected (3), read as float logits when `floatLogits`.
/// With `activations` int16 every tensor is int16 (symmetric; the input keeps pixel - 128).
enum SampleModel {
    static func make(seed: UInt64 = 1, floatLogits: Bool = true, activations: ActivationType = .int8) -> QuantizedModel {
        let int16 = activations == .int16
        let lowest = activations.minimum, highest = activations.maximum
        var random = SeededGenerator(seed: seed)
        func weights(_ count: Int) -> [Int8] { (0..<count).map { _ in Int8.random(in: -127...127, using: &random) } }
        func bias(_ count: Int) -> [Int32] { (0..<count).map { _ in Int32.random(in: -2000...2000, using: &random) } }
        func requant(_ count: Int, min: Int32? = nil) -> Requantization {
            // int16 sums are up to 2^8 times larger and outputs 2^8 times wider: shift about as much.
            Requantization(multipliers: (0..<count).map { _ in Int32.random(in: (1 << 30)...Int32.max, using: &random) },
                           shifts: (0..<count).map { _ in Int32.random(in: int16 ? 7...10 : 6...9, using: &random) },
                           activationMin: min ?? lowest, activationMax: highest)
        }
        func tensor(_ name: String, _ shape: TensorShape, _ scale: Float, _ zeroPoint: Int32) -> ModelTensor {
            ModelTensor(name: name, shape: shape, scale: int16 ? scale / 256 : scale, zeroPoint: int16 ? 0 : zeroPoint,
                        elementType: activations)
        }
        func shape(_ h: Int, _ w: Int, _ c: Int) -> TensorShape { TensorShape(height: h, width: w, channels: c) }
        func window(_ k: Int, _ s: Int, _ pad: Int) -> WindowGeometry {
            WindowGeometry(kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s, padTop: pad, padLeft: pad)
        }
        let tensors = [
            ModelTensor(name: "input", shape: shape(8, 8, 1), scale: 2.0 / 255, zeroPoint: -128, elementType: activations),
            tensor("conv", shape(6, 6, 4), 0.05, -128),
            tensor("depthwise", shape(6, 6, 8), 0.1, 3),
            tensor("pool", shape(3, 3, 8), 0.1, 3),
            tensor("pointwise", shape(3, 3, 8), 0.08, -5),
            tensor("add", shape(3, 3, 8), 0.15, -128),
            tensor("average", shape(3, 3, 8), 0.15, -128),
            tensor("flatten", shape(1, 1, 72), 0.15, -128),
            tensor("dense", shape(1, 1, 3), 0.2, 0),
        ]
        let operations: [ModelOperation] = [
            .conv2D(WeightedOperation(input: 0, output: 1, window: window(3, 1, 0), weights: weights(4 * 9),
                                      bias: bias(4), requantization: requant(4, min: int16 ? 0 : -128))),
            .depthwiseConv2D(WeightedOperation(input: 1, output: 2, window: window(3, 1, 1), weights: weights(9 * 8),
                                               bias: bias(8), requantization: requant(8)), depthMultiplier: 2),
            .maxPool(PoolOperation(input: 2, output: 3, window: window(2, 2, 0), activationMin: lowest, activationMax: highest)),
            .conv2D(WeightedOperation(input: 3, output: 4, window: window(1, 1, 0), weights: weights(8 * 8),
                                      bias: bias(8), requantization: requant(8))),
            .add(AddOperation(a: 3, b: 4, output: 5, leftShift: int16 ? 15 : 20, aMultiplier: 1 << 30, aShift: 1,
                              bMultiplier: 1_800_000_000, bShift: 1, outputMultiplier: 1_500_000_000,
                              outputShift: int16 ? 13 : 18, activationMin: lowest, activationMax: highest)),
            .averagePool(PoolOperation(input: 5, output: 6, window: window(2, 1, 0), activationMin: lowest, activationMax: highest)),
            .flatten(input: 6, output: 7),
            .fullyConnected(WeightedOperation(input: 7, output: 8, window: window(1, 1, 0), weights: weights(3 * 72),
                                              bias: bias(3), requantization: requant(3))),
        ]
        return QuantizedModel(
            preprocessing: Preprocessing(scale: 2.0 / 255, offset: -1), inputEncoding: .offsetFoldedIntoBias,
            labels: ["zero", "one", "two"], provenance: "SampleModel(seed: \(seed))", calibration: "none (hand-built)",
            tensors: tensors, inputTensor: 0, outputTensor: 8, outputActivation: .softmax, operations: operations,
            logitScales: floatLogits ? [0.0011, 0.0007, 0.0019] : nil)
    }

    /// A small model with the lookup and multiply operations (format version 4), MobileNetV3's
    /// pattern: input 8x8x1 -> conv 3x3 valid (4) -> lookup (hard swish) -> global average pool
    /// -> lookup (hard sigmoid) -> multiply by that gate -> multiply by the lookup's map (same
    /// shape) -> flatten -> fully connected (3). Random tables within the element type.
    static func makeElementwise(seed: UInt64 = 1, activations: ActivationType = .int8) -> QuantizedModel {
        let int16 = activations == .int16
        let lowest = activations.minimum, highest = activations.maximum
        var random = SeededGenerator(seed: seed)
        func weights(_ count: Int) -> [Int8] { (0..<count).map { _ in Int8.random(in: -127...127, using: &random) } }
        func bias(_ count: Int) -> [Int32] { (0..<count).map { _ in Int32.random(in: -2000...2000, using: &random) } }
        func requant(_ count: Int) -> Requantization {
            Requantization(multipliers: (0..<count).map { _ in Int32.random(in: (1 << 30)...Int32.max, using: &random) },
                           shifts: (0..<count).map { _ in Int32.random(in: int16 ? 3...6 : 6...9, using: &random) },
                           activationMin: lowest, activationMax: highest)
        }
        func table() -> [Int16] {
            (0..<LookupOperation.tableCount(for: activations)).map { _ in Int16(Int32.random(in: lowest...highest, using: &random)) }
        }
        func tensor(_ name: String, _ shape: TensorShape, _ scale: Float, _ zeroPoint: Int32) -> ModelTensor {
            ModelTensor(name: name, shape: shape, scale: int16 ? scale / 256 : scale, zeroPoint: int16 ? 0 : zeroPoint,
                        elementType: activations)
        }
        let map = TensorShape(height: 6, width: 6, channels: 4)
        let tensors = [
            ModelTensor(name: "input", shape: TensorShape(height: 8, width: 8, channels: 1), scale: 2.0 / 255,
                        zeroPoint: -128, elementType: activations),
            tensor("conv", map, 0.05, -3),
            tensor("hard_swish", map, 0.04, -100),
            tensor("pool", .vector(4), 0.04, -100),
            tensor("hard_sigmoid", .vector(4), 1.0 / 255, -128),
            tensor("gated", map, 0.03, -90),
            tensor("squared", map, 0.06, -120),
            tensor("flatten", .vector(144), 0.06, -120),
            tensor("dense", .vector(3), 0.2, 0),
        ]
        let operations: [ModelOperation] = [
            .conv2D(WeightedOperation(input: 0, output: 1,
                                      window: WindowGeometry(kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0),
                                      weights: weights(4 * 9), bias: bias(4), requantization: requant(4))),
            .lookup(LookupOperation(input: 1, output: 2, table: table(), function: "hard_swish")),
            .averagePool(PoolOperation(input: 2, output: 3,
                                       window: WindowGeometry(kernelHeight: 6, kernelWidth: 6, strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0),
                                       activationMin: lowest, activationMax: highest)),
            .lookup(LookupOperation(input: 3, output: 4, table: table(), function: "hard_sigmoid")),
            .multiply(MultiplyOperation(a: 2, b: 4, output: 5, multiplier: 1_400_000_000, shift: int16 ? 15 : 7,
                                        activationMin: lowest, activationMax: highest)),
            .multiply(MultiplyOperation(a: 5, b: 2, output: 6, multiplier: 1_900_000_000, shift: int16 ? 14 : 6,
                                        activationMin: lowest, activationMax: highest)),
            .flatten(input: 6, output: 7),
            .fullyConnected(WeightedOperation(input: 7, output: 8,
                                              window: WindowGeometry(kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0),
                                              weights: weights(3 * 144), bias: bias(3), requantization: requant(3))),
        ]
        return QuantizedModel(
            preprocessing: Preprocessing(scale: 2.0 / 255, offset: -1), inputEncoding: .offsetFoldedIntoBias,
            labels: ["zero", "one", "two"], provenance: "SampleModel.makeElementwise(seed: \(seed))",
            calibration: "none (hand-built)", tensors: tensors, inputTensor: 0, outputTensor: 8,
            outputActivation: .softmax, operations: operations, logitScales: [0.0011, 0.0007, 0.0019])
    }
}
