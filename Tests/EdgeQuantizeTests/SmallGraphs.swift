import EdgeGraph
import EdgeModel
import EdgeTestSupport
import Foundation

/// Small float graphs with seeded random weights, and smooth random images to calibrate them.
enum SmallGraphs {
    /// Every operation the int8 runtime has, in a residual layout like mini-Xception's:
    /// 12x12x1 -> conv 3x3 valid relu (6) -> depthwise 3x3 same -> conv 1x1 relu (8)
    /// -> max pool 3x3 s2 same  +  conv 1x1 s2 (residual) -> add relu -> average pool 2x2 s1 same
    /// -> [conv 3x3 same (8) -> global average pool]  and  [flatten -> dense (4)] -> add -> softmax.
    static func everyOperation(seed: UInt64 = 1) throws -> Graph {
        var random = SeededGenerator(seed: seed)
        func values(_ count: Int, _ scale: Float) -> [Float] {
            (0..<count).map { _ in Float.random(in: -scale...scale, using: &random) }
        }
        func window(_ k: Int, _ s: Int, same: Bool, input: TensorShape) -> Window {
            Window(kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s,
                   padding: same ? .same(input: input, kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s) : .valid)
        }
        var builder = GraphBuilder(inputShape: TensorShape(height: 12, width: 12, channels: 1))
        let conv1 = try builder.append("conv1", .conv2D(Conv2D(
            window: window(3, 1, same: false, input: builder.inputShape), outputChannels: 6,
            weights: values(6 * 9, 0.5), bias: values(6, 0.2), activation: .relu)), inputs: [0])
        let depthwise = try builder.append("depthwise", .depthwiseConv2D(DepthwiseConv2D(
            window: window(3, 1, same: true, input: builder.shape(of: conv1)), depthMultiplier: 1,
            weights: values(9 * 6, 0.6), bias: values(6, 0.1), activation: .none)), inputs: [conv1])
        let pointwise = try builder.append("pointwise", .conv2D(Conv2D(
            window: window(1, 1, same: false, input: builder.shape(of: depthwise)), outputChannels: 8,
            weights: values(8 * 6, 0.5), bias: values(8, 0.1), activation: .relu)), inputs: [depthwise])
        let pool = try builder.append("max_pool", .maxPool(window(3, 2, same: true, input: builder.shape(of: pointwise))), inputs: [pointwise])
        let residual = try builder.append("residual", .conv2D(Conv2D(
            window: window(1, 2, same: true, input: builder.shape(of: conv1)), outputChannels: 8,
            weights: values(8 * 6, 0.5), bias: values(8, 0.1), activation: .none)), inputs: [conv1])
        let sum = try builder.append("add", .add(.relu), inputs: [pool, residual])
        let average = try builder.append("average_pool", .averagePool(window(2, 1, same: true, input: builder.shape(of: sum))), inputs: [sum])
        let head = try builder.append("head", .conv2D(Conv2D(
            window: window(3, 1, same: true, input: builder.shape(of: average)), outputChannels: 4,
            weights: values(4 * 9 * 8, 0.3), bias: values(4, 0.1), activation: .none)), inputs: [average])
        let gap = try builder.append("global_pool", .globalAveragePool, inputs: [head])
        let flatten = try builder.append("flatten", .flatten, inputs: [average])
        let count = builder.shape(of: flatten).elementCount
        let dense = try builder.append("dense", .dense(Dense(
            outputCount: 4, weights: values(4 * count, 0.1), bias: values(4, 0.1), activation: .none)), inputs: [flatten])
        let logits = try builder.append("logits", .add(.none), inputs: [gap, dense])
        let softmax = try builder.append("softmax", .softmax, inputs: [logits])
        return try builder.build(output: softmax, preprocessing: .symmetricUnit, labels: ["a", "b", "c", "d"],
                                 provenance: "SmallGraphs.everyOperation(seed: \(seed))")
    }

    /// Smooth random gray images (a few random gradients and blobs), like downscaled faces.
    static func images(count: Int, height: Int = 12, width: Int = 12, seed: UInt64 = 2) -> [[UInt8]] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let a = Float.random(in: -12...12, using: &random), b = Float.random(in: -12...12, using: &random)
            let base = Float.random(in: 40...215, using: &random)
            let cy = Float.random(in: 0...Float(height), using: &random), cx = Float.random(in: 0...Float(width), using: &random)
            let blob = Float.random(in: -80...80, using: &random)
            var pixels: [UInt8] = []
            for y in 0..<height {
                for x in 0..<width {
                    let d = ((Float(y) - cy) * (Float(y) - cy) + (Float(x) - cx) * (Float(x) - cx)) / 8
                    let value = base + a * Float(y - height / 2) + b * Float(x - width / 2) + blob * exp(-d)
                        + Float.random(in: -6...6, using: &random)
                    pixels.append(UInt8(max(0, min(255, value))))
                }
            }
            return pixels
        }
    }
}
