import EdgeModel
import EdgeTestSupport

/// A small hand-built int8 model using every operation the runtime has:
/// input 8x8x1 -> conv 3x3 valid relu (4) -> depthwise 3x3 same (x2 = 8) -> max pool 2x2 s2
/// -> conv 1x1 (8) -> [add with the max pool] -> average pool 2x2 s1 same -> flatten
/// -> fully connected (3), read as float logits when `floatLogits` ; plus a global average pool branch is the average pool over 4x4.
enum SampleModel {
    static func make(seed: UInt64 = 1, floatLogits: Bool = true) -> QuantizedModel {
        var random = SeededGenerator(seed: seed)
        func weights(_ count: Int) -> [Int8] { (0..<count).map { _ in Int8.random(in: -127...127, using: &random) } }
        func bias(_ count: Int) -> [Int32] { (0..<count).map { _ in Int32.random(in: -2000...2000, using: &random) } }
        func requant(_ count: Int, min: Int32 = -128) -> Requantization {
            Requantization(multipliers: (0..<count).map { _ in Int32.random(in: (1 << 30)...Int32.max, using: &random) },
                           shifts: (0..<count).map { _ in Int32.random(in: 6...9, using: &random) },
                           activationMin: min, activationMax: 127)
        }
        func shape(_ h: Int, _ w: Int, _ c: Int) -> ActivationShape { ActivationShape(height: h, width: w, channels: c) }
        func window(_ k: Int, _ s: Int, _ pad: Int) -> WindowGeometry {
            WindowGeometry(kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s, padTop: pad, padLeft: pad)
        }
        let tensors = [
            ModelTensor(name: "input", shape: shape(8, 8, 1), scale: 2.0 / 255, zeroPoint: -128),
            ModelTensor(name: "conv", shape: shape(6, 6, 4), scale: 0.05, zeroPoint: -128),
            ModelTensor(name: "depthwise", shape: shape(6, 6, 8), scale: 0.1, zeroPoint: 3),
            ModelTensor(name: "pool", shape: shape(3, 3, 8), scale: 0.1, zeroPoint: 3),
            ModelTensor(name: "pointwise", shape: shape(3, 3, 8), scale: 0.08, zeroPoint: -5),
            ModelTensor(name: "add", shape: shape(3, 3, 8), scale: 0.15, zeroPoint: -128),
            ModelTensor(name: "average", shape: shape(3, 3, 8), scale: 0.15, zeroPoint: -128),
            ModelTensor(name: "flatten", shape: shape(1, 1, 72), scale: 0.15, zeroPoint: -128),
            ModelTensor(name: "dense", shape: shape(1, 1, 3), scale: 0.2, zeroPoint: 0),
        ]
        let operations: [ModelOperation] = [
            .conv2D(WeightedOperation(input: 0, output: 1, window: window(3, 1, 0), weights: weights(4 * 9),
                                      bias: bias(4), requantization: requant(4, min: -128))),
            .depthwiseConv2D(WeightedOperation(input: 1, output: 2, window: window(3, 1, 1), weights: weights(9 * 8),
                                               bias: bias(8), requantization: requant(8)), depthMultiplier: 2),
            .maxPool(PoolOperation(input: 2, output: 3, window: window(2, 2, 0))),
            .conv2D(WeightedOperation(input: 3, output: 4, window: window(1, 1, 0), weights: weights(8 * 8),
                                      bias: bias(8), requantization: requant(8))),
            .add(AddOperation(a: 3, b: 4, output: 5, leftShift: 20, aMultiplier: 1 << 30, aShift: 1,
                              bMultiplier: 1_800_000_000, bShift: 1, outputMultiplier: 1_500_000_000, outputShift: 18,
                              activationMin: -128, activationMax: 127)),
            .averagePool(PoolOperation(input: 5, output: 6, window: window(2, 1, 0))),
            .flatten(input: 6, output: 7),
            .fullyConnected(WeightedOperation(input: 7, output: 8, window: window(1, 1, 0), weights: weights(3 * 72),
                                              bias: bias(3), requantization: requant(3))),
        ]
        return QuantizedModel(
            preprocessing: PixelPreprocessing(scale: 2.0 / 255, offset: -1), inputEncoding: .offsetFoldedIntoBias,
            labels: ["zero", "one", "two"], provenance: "SampleModel(seed: \(seed))", calibration: "none (hand-built)",
            tensors: tensors, inputTensor: 0, outputTensor: 8, outputActivation: .softmax, operations: operations,
            logitScales: floatLogits ? [0.0011, 0.0007, 0.0019] : nil)
    }
}
