import EdgeGraph
import EdgeModel
import Testing

@Suite struct PaddingTests {
    @Test func sameIsAsymmetricOnEvenSizes() {
        // 2x2 stride-2 pool on 5 wide: output 3, total pad 1, all of it after.
        let pool = Padding.same(input: TensorShape(height: 5, width: 5, channels: 1),
                                kernelHeight: 2, kernelWidth: 2, strideHeight: 2, strideWidth: 2)
        #expect(pool == Padding(top: 0, left: 0, bottom: 1, right: 1))
        // 3x3 stride-2 conv on 64: output 32, total pad 1, after.
        let conv = Padding.same(input: TensorShape(height: 64, width: 64, channels: 8),
                                kernelHeight: 3, kernelWidth: 3, strideHeight: 2, strideWidth: 2)
        #expect(conv == Padding(top: 0, left: 0, bottom: 1, right: 1))
        // 3x3 stride-1: one on each side.
        let same1 = Padding.same(input: TensorShape(height: 7, width: 6, channels: 1),
                                 kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1)
        #expect(same1 == Padding(top: 1, left: 1, bottom: 1, right: 1))
    }

    @Test func builderInfersShapesAndRejectsBadWeights() throws {
        var builder = GraphBuilder(inputShape: TensorShape(height: 8, width: 8, channels: 1))
        let window = Window(kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: .valid)
        let conv = try builder.append("conv", .conv2D(Conv2D(window: window, outputChannels: 2,
            weights: [Float](repeating: 0, count: 18), bias: [0, 0], activation: .relu)), inputs: [0])
        #expect(builder.shape(of: conv) == TensorShape(height: 6, width: 6, channels: 2))
        #expect(throws: GraphError.self) {
            try builder.append("bad", .conv2D(Conv2D(window: window, outputChannels: 2,
                weights: [0], bias: [0, 0], activation: .none)), inputs: [conv])
        }
    }
}
