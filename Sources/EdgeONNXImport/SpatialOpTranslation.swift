import EdgeGraph
import EdgeModel

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

    /// The input of a Conv or pool, looking through an explicit Pad in front of it (whose
    /// padding the op absorbs).
    func paddedFeatureMap(_ node: ONNXNode) throws(TranslationError) -> (TranslatedValue, PendingPad?) {
        if let pad = pendingPads[try node.requiredInput(0)] { return (pad.source, pad) }
        return (try featureMap(node), nil)
    }

    mutating func translateConv(_ node: ONNXNode) throws(TranslationError) {
        let (input, pad) = try paddedFeatureMap(node)
        if let pad, pad.value != 0 {
            throw node.error("reads Pad '\(pad.node)' with value \(pad.value); a Conv pads with zeros, so only a zero Pad folds into it")
        }
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
            padding: try padding(node, input: inputShape, extra: pad?.padding, kernelHeight: kernelHeight,
                                 kernelWidth: kernelWidth, strideHeight: strideHeight, strideWidth: strideWidth)
                .adding(pad?.padding ?? .valid))
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
        let (input, pad) = try paddedFeatureMap(node)
        let inputShape = shape(of: input)
        guard let kernel = try node.attributes.ints("kernel_shape"), kernel.count == 2,
              kernel.allSatisfy({ $0 > 0 && $0 <= 1 << 12 }) else {
            throw node.error("needs a 2-D kernel_shape (at most 4096 x 4096)")
        }
        try requireUnitDilations(node)
        try requireSingleOutputUsed(node)
        let (strideHeight, strideWidth) = try strides(node)
        let ownPadding = try padding(node, input: inputShape, extra: pad?.padding, kernelHeight: kernel[0], kernelWidth: kernel[1],
                                     strideHeight: strideHeight, strideWidth: strideWidth)
        var window = Window(
            kernelHeight: kernel[0], kernelWidth: kernel[1], strideHeight: strideHeight, strideWidth: strideWidth,
            padding: ownPadding.adding(pad?.padding ?? .valid))
        // ceil_mode=1: one more window where the last one would start inside the input (or its
        // start padding); that window's missing end is extra end padding.
        let ceilPadding = try node.attributes.int("ceil_mode", default: 0) != 0 ? ceilModeExtra(window, inputShape) : .valid
        window.padding = window.padding.adding(ceilPadding)
        guard window.outputSize(for: inputShape) != nil else {
            throw node.error("kernel \(kernel) does not fit the \(inputShape.height)x\(inputShape.width) input")
        }
        let countIncludePad = try node.attributes.int("count_include_pad", default: 0) != 0
        let operation: Operation
        if isMax {
            // The graph's max pool ignores padded positions, which is padding with -inf.
            if let pad, pad.value > PendingPad.negativeInfinityBound {
                throw node.error("reads Pad '\(pad.node)' with value \(pad.value); a max pool ignores its padding (as if -inf), so only a Pad with -inf (or below \(PendingPad.negativeInfinityBound)) folds into it")
            }
            operation = .maxPool(window)
        } else {
            if let pad, pad.value != 0 {
                throw node.error("reads Pad '\(pad.node)' with value \(pad.value); only a zero Pad folds into an average pool")
            }
            // Zeros counted in the average: the explicit Pad's always, the pool's own with count_include_pad.
            let countedZeros = pad != nil || (countIncludePad && ownPadding != .valid)
            if countedZeros {
                guard ceilPadding == .valid else {
                    throw node.error("ceil_mode=1 on an average pool that counts padded zeros: the last window's divisor follows neither rule the runtime has; export with ceil_mode=False or count_include_pad=False")
                }
                guard pad == nil || countIncludePad || ownPadding == .valid else {
                    throw node.error("reads Pad '\(pad!.node)' and has its own pads with count_include_pad=0: the divisor would count some padded zeros and not others; merge the padding into one place")
                }
                // Exactly a depthwise conv with weights 1/(kH*kW) and zero padding.
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
                // The graph's average pool divides by the valid positions, as count_include_pad=0 does
                // (ceil_mode's extra end positions included).
                operation = .averagePool(window)
            }
        }
        try define(node, TranslatedValue(node: append(node, operation, input: input), layout: .channelsFirst))
    }

    /// The end padding ceil_mode=1 adds: the output size rounds up, except that a window must not
    /// start in the end padding (ONNX's and PyTorch's rule).
    private func ceilModeExtra(_ window: Window, _ input: TensorShape) -> Padding {
        func extra(_ size: Int, _ before: Int, _ after: Int, _ kernel: Int, _ stride: Int) -> Int {
            let span = size + before + after - kernel
            guard span >= 0 else { return 0 }
            var outputs = (span + stride - 1) / stride + 1
            if (outputs - 1) * stride >= size + before { outputs -= 1 }
            return max(0, (outputs - 1) * stride + kernel - (size + before + after))
        }
        let p = window.padding
        return Padding(
            top: 0, left: 0,
            bottom: extra(input.height, p.top, p.bottom, window.kernelHeight, window.strideHeight),
            right: extra(input.width, p.left, p.right, window.kernelWidth, window.strideWidth))
    }

    mutating func translateGlobalAveragePool(_ node: ONNXNode) throws(TranslationError) {
        let input = try featureMap(node)
        // The result is ONNX [1, C, 1, 1], held by a 1x1xC node.
        try define(node, TranslatedValue(node: append(node, .globalAveragePool, input: input), layout: .channelsFirst))
    }

    /// ReduceMean over H and W (the dynamo exporter's form of adaptive_avg_pool2d(1) and of
    /// `x.mean((2, 3))`): a global average pool, [1, C, 1, 1] with keepdims, [1, C] without.
    mutating func translateReduceMean(_ node: ONNXNode) throws(TranslationError) {
        let input = try value(node.requiredInput(0), for: node)
        let dims = input.layout.onnxDims(shape(of: input))
        // Axes are an attribute before opset 18 and an input from 18 on.
        let axes: [Int]? = node.opset >= 18
            ? try node.input(1).map { name throws(TranslationError) in try constant(name, for: node).integers() }
            : try node.attributes.ints("axes")
        let keep = try node.attributes.int("keepdims", default: 1) != 0
        let normalized = Set((axes ?? []).map { $0 < 0 ? $0 + dims.count : $0 })
        let spatial: Set<Int>
        switch input.layout {
        case .channelsFirst: spatial = [2, 3]
        case .channelsLast: spatial = [1, 2]
        case .vector: spatial = []
        }
        guard !spatial.isEmpty, normalized == spatial else {
            throw node.error("reduces axes \(axes.map { "\($0)" } ?? "all") of \(dims); only the mean over height and width of a feature map (global average pooling) is supported")
        }
        let id = try append(node, .globalAveragePool, input: input)
        try define(node, TranslatedValue(node: id, layout: keep ? input.layout : .vector(graphIndex: nil)))
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
        _ node: ONNXNode, input unpadded: TensorShape, extra: Padding? = nil, kernelHeight: Int, kernelWidth: Int,
        strideHeight: Int, strideWidth: Int
    ) throws(TranslationError) -> Padding {
        // auto_pad works on the input as an explicit Pad in front left it.
        var input = unpadded
        if let extra {
            input = TensorShape(height: input.height + extra.top + extra.bottom, width: input.width + extra.left + extra.right,
                                channels: input.channels)
        }
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
