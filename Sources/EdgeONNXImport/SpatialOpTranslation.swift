import EdgeGraph

/// Conv, MaxPool, AveragePool and GlobalAveragePool: NCHW in ONNX, HWC in the graph.
extension ONNXGraphTranslator {
    /// The input of a spatial op, which ONNX defines on NCHW tensors.
    func featureMap(_ node: ONNXNode) throws(TranslationError) -> TranslatedValue {
        let input = try value(node.requiredInput(0), for: node)
        guard input.layout == .channelsFirst else {
            throw node.error("reads a tensor that is not an NCHW feature map (\(input.layout)); convolutions and pools need [1, C, H, W]")
        }
        return input
    }

    mutating func translateConv(_ node: ONNXNode) throws(TranslationError) {
        let input = try featureMap(node)
        let inputShape = shape(of: input)
        let weightTensor = try constant(node.requiredInput(1), for: node)
        guard weightTensor.dims.count == 4 else {
            throw node.error("weights have dimensions \(weightTensor.dims); only 2-D convolutions ([M, C/group, kH, kW]) are supported")
        }
        let (outputs, inputsPerGroup, kernelHeight, kernelWidth) =
            (weightTensor.dims[0], weightTensor.dims[1], weightTensor.dims[2], weightTensor.dims[3])
        if let kernel = try node.attributes.ints("kernel_shape"), kernel != [kernelHeight, kernelWidth] {
            throw node.error("kernel_shape \(kernel) disagrees with the weights' \(kernelHeight)x\(kernelWidth)")
        }
        try requireUnitDilations(node)
        let (strideHeight, strideWidth) = try strides(node)
        let window = Window(
            kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideHeight: strideHeight, strideWidth: strideWidth,
            padding: try padding(node, input: inputShape, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                                 strideHeight: strideHeight, strideWidth: strideWidth))
        let weights = try weightTensor.floats()
        var bias = [Float](repeating: 0, count: outputs)
        if let biasName = node.input(2) {
            bias = try constant(biasName, for: node).floats()
            guard bias.count == outputs else { throw node.error("has \(bias.count) biases for \(outputs) output channels") }
        }
        let group = try node.attributes.int("group", default: 1)
        let channels = inputShape.channels
        let operation: Operation
        if group == 1 {
            guard inputsPerGroup == channels else {
                throw node.error("weights expect \(inputsPerGroup) input channels, the input has \(channels)")
            }
            // OIHW -> OHWI.
            var ohwi = [Float](repeating: 0, count: weights.count)
            for o in 0..<outputs {
                for i in 0..<channels {
                    for y in 0..<kernelHeight {
                        for x in 0..<kernelWidth {
                            ohwi[((o * kernelHeight + y) * kernelWidth + x) * channels + i] =
                                weights[((o * channels + i) * kernelHeight + y) * kernelWidth + x]
                        }
                    }
                }
            }
            operation = .conv2D(Conv2D(window: window, outputChannels: outputs, weights: ohwi, bias: bias, activation: .none))
        } else if group == channels, inputsPerGroup == 1, outputs % group == 0 {
            // Depthwise: ONNX output channel o reads input channel o / multiplier, which is the
            // graph's `c * depthMultiplier + m` order. [M][1][kH][kW] -> [kH][kW][M].
            var hwc = [Float](repeating: 0, count: weights.count)
            for o in 0..<outputs {
                for y in 0..<kernelHeight {
                    for x in 0..<kernelWidth {
                        hwc[(y * kernelWidth + x) * outputs + o] = weights[(o * kernelHeight + y) * kernelWidth + x]
                    }
                }
            }
            operation = .depthwiseConv2D(DepthwiseConv2D(
                window: window, depthMultiplier: outputs / group, weights: hwc, bias: bias, activation: .none))
        } else {
            throw node.error("grouped convolution with group=\(group) over \(channels) input channels is not supported; only group=1 and depthwise (group = input channels) are")
        }
        try define(node, TranslatedValue(node: append(node, operation, input: input), layout: .channelsFirst))
    }

    mutating func translatePool(_ node: ONNXNode, isMax: Bool) throws(TranslationError) {
        let input = try featureMap(node)
        let inputShape = shape(of: input)
        guard let kernel = try node.attributes.ints("kernel_shape"), kernel.count == 2,
              kernel.allSatisfy({ $0 > 0 && $0 <= 1 << 12 }) else {
            throw node.error("needs a 2-D kernel_shape (at most 4096 x 4096)")
        }
        guard try node.attributes.int("ceil_mode", default: 0) == 0 else {
            throw node.error("ceil_mode=1 is not supported; export with ceil_mode=False")
        }
        try requireUnitDilations(node)
        try requireSingleOutputUsed(node)
        let (strideHeight, strideWidth) = try strides(node)
        let window = Window(
            kernelHeight: kernel[0], kernelWidth: kernel[1], strideHeight: strideHeight, strideWidth: strideWidth,
            padding: try padding(node, input: inputShape, kernelHeight: kernel[0], kernelWidth: kernel[1],
                                 strideHeight: strideHeight, strideWidth: strideWidth))
        guard window.outputSize(for: inputShape) != nil else {
            throw node.error("kernel \(kernel) does not fit the \(inputShape.height)x\(inputShape.width) input")
        }
        let operation: Operation
        if isMax {
            operation = .maxPool(window)
        } else if try node.attributes.int("count_include_pad", default: 0) != 0, window.padding != .valid {
            // Padded zeros count in the average: exactly a depthwise conv with weights 1/(kH*kW)
            // and zero padding. The graph's average pool counts only valid positions.
            let channels = inputShape.channels
            guard kernel[0] * kernel[1] * channels <= Self.maximumElements else {
                throw node.error("kernel \(kernel) over \(channels) channels is too large")
            }
            let weight = 1 / Float(kernel[0] * kernel[1])
            operation = .depthwiseConv2D(DepthwiseConv2D(
                window: window, depthMultiplier: 1,
                weights: [Float](repeating: weight, count: kernel[0] * kernel[1] * channels),
                bias: [Float](repeating: 0, count: channels), activation: .none))
        } else {
            operation = .averagePool(window)
        }
        try define(node, TranslatedValue(node: append(node, operation, input: input), layout: .channelsFirst))
    }

    mutating func translateGlobalAveragePool(_ node: ONNXNode) throws(TranslationError) {
        let input = try featureMap(node)
        // The result is ONNX [1, C, 1, 1], held by a 1x1xC node.
        try define(node, TranslatedValue(node: append(node, .globalAveragePool, input: input), layout: .channelsFirst))
    }

    private func requireUnitDilations(_ node: ONNXNode) throws(TranslationError) {
        if let dilations = try node.attributes.ints("dilations"), dilations.contains(where: { $0 != 1 }) {
            throw node.error("dilations \(dilations) are not supported (only 1)")
        }
    }

    private func strides(_ node: ONNXNode) throws(TranslationError) -> (Int, Int) {
        let strides = try node.attributes.ints("strides") ?? [1, 1]
        guard strides.count == 2, strides.allSatisfy({ $0 > 0 }) else {
            throw node.error("strides \(strides): expected two positive values")
        }
        return (strides[0], strides[1])
    }

    /// Explicit `pads` ([top, left, bottom, right]) or `auto_pad`: SAME_UPPER is TensorFlow's SAME
    /// (the odd pixel at the end), SAME_LOWER puts it at the start, VALID pads nothing.
    private func padding(
        _ node: ONNXNode, input: TensorShape, kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int
    ) throws(TranslationError) -> Padding {
        let autoPad = node.attributes.string("auto_pad", default: "NOTSET")
        let same = Padding.same(
            input: input, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
            strideHeight: strideHeight, strideWidth: strideWidth)
        switch autoPad {
        case "NOTSET", "":
            guard let pads = try node.attributes.ints("pads") else { return .valid }
            guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 <= max(kernelHeight, kernelWidth) }) else {
                throw node.error("pads \(pads): expected 4 non-negative values [top, left, bottom, right], none larger than the kernel")
            }
            return Padding(top: pads[0], left: pads[1], bottom: pads[2], right: pads[3])
        case "VALID":
            return .valid
        case "SAME_UPPER":
            return same
        case "SAME_LOWER":
            return Padding(top: same.bottom, left: same.right, bottom: same.top, right: same.left)
        default:
            throw node.error("auto_pad '\(autoPad)' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID")
        }
    }
}
