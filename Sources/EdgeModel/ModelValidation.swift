/// Checks a model against the file format and the kernel contract (edge_kernels.h), so the
/// runtime can pass its fields to any kernel without further checks: every index in range, every
/// shape consistent, every window with at least one valid tap, every reduction short enough for
/// int32 accumulation, every multiplier and shift in the range `edge_requantize` accepts.
extension QuantizedModel {
    /// The largest height, width or channel count accepted.
    public static let maximumDimension = 1 << 16
    /// The largest activation tensor accepted, in elements.
    public static let maximumTensorElements = 1 << 26
    /// The longest reduction (kernel height x width x input channels, or dense inputs) for which
    /// 255 * 127 * n + 2^30 stays below 2^31.
    public static let maximumReduction = 32768
    /// Bias magnitude bound of the contract's no-overflow argument.
    public static let maximumBiasMagnitude: Int32 = 1 << 30

    /// The largest |bias| of `operation` (in this model) the contract allows: below 2^30, and for
    /// an int16 conv or depthwise conv what its int32 sum leaves, taps x B x 127 + |bias| < 2^31
    /// with B the largest |x - zero point| of its input (`largestCodes`; edge_kernels.h; negative
    /// when nothing is left).
    public func largestBias(_ operation: WeightedOperation, taps: Int?) -> Int64 {
        Self.largestBias(taps: taps, elementType: tensors[operation.output].elementType,
                         largestInputCode: largestCodes()[operation.input])
    }

    /// The same for an operation writing `elementType` whose int32 sums have `taps` terms (nil: no
    /// int32 sum of int16 inputs, e.g. fully connected) of inputs within `largestInputCode` of
    /// their zero point (2^15 for any int16 tensor).
    public static func largestBias(taps: Int?, elementType: ActivationType, largestInputCode: Int64 = 32768) -> Int64 {
        let limit = Int64(maximumBiasMagnitude) - 1
        guard elementType == .int16, let taps else { return limit }
        return min(limit, Int64(Int32.max) - 1 - Int64(taps) * largestInputCode * Int64(maximumWeight))
    }

    /// The largest |weight| (int8 weights are within [-127, 127]).
    public static let maximumWeight = 127

    public func validate() throws(ModelValidationError) {
        func fail(_ message: String) -> ModelValidationError { ModelValidationError(message) }
        guard roundingMode == Self.roundingMode else {
            throw fail("rounding mode '\(roundingMode)' is not supported (only '\(Self.roundingMode)')")
        }
        guard preprocessing.scale.isFinite, preprocessing.scale > 0, preprocessing.offset.isFinite else {
            throw fail("preprocessing scale \(preprocessing.scale) / offset \(preprocessing.offset) is not usable")
        }
        guard !tensors.isEmpty else { throw fail("has no tensors") }
        for (index, tensor) in tensors.enumerated() {
            let shape = tensor.shape
            for dimension in [shape.height, shape.width, shape.channels]
            where dimension < 1 || dimension > Self.maximumDimension {
                throw fail("tensor #\(index) '\(tensor.name)' has shape \(shape)")
            }
            guard shape.elementCount <= Self.maximumTensorElements else {
                throw fail("tensor #\(index) '\(tensor.name)' is too large (\(shape))")
            }
            guard tensor.scale.isFinite, tensor.scale > 0 else {
                throw fail("tensor #\(index) '\(tensor.name)' has scale \(tensor.scale)")
            }
            let type = tensor.elementType
            guard (type.minimum...type.maximum).contains(tensor.zeroPoint) else {
                throw fail("tensor #\(index) '\(tensor.name)' has zero point \(tensor.zeroPoint) outside \(type)")
            }
            // The int16 contract: |q - zero point| <= 2^15 for every stored q. The input's codes are
            // checked below; every other int16 tensor is symmetric.
            guard type == .int8 || tensor.zeroPoint == 0 || index == inputTensor else {
                throw fail("int16 tensor #\(index) '\(tensor.name)' has zero point \(tensor.zeroPoint) (int16 tensors are symmetric)")
            }
        }
        guard tensors.indices.contains(inputTensor) else { throw fail("input tensor #\(inputTensor) does not exist") }
        let input = tensors[inputTensor]
        if input.elementType == .int16 {
            for pixel in 0...255 {
                let code = inputEncoding.quantize(pixel: UInt8(pixel), preprocessing: preprocessing, scale: input.scale,
                                                  zeroPoint: input.zeroPoint, elementType: .int16)
                guard abs(Int64(code) - Int64(input.zeroPoint)) <= 32768 else {
                    throw fail("int16 input: pixel \(pixel) gives code \(code), more than 2^15 from the zero point \(input.zeroPoint)")
                }
            }
        }
        guard tensors.indices.contains(outputTensor) else { throw fail("output tensor #\(outputTensor) does not exist") }
        guard labels.isEmpty || labels.count == tensors[outputTensor].shape.elementCount else {
            throw fail("\(labels.count) labels for \(tensors[outputTensor].shape.elementCount) outputs")
        }
        var produced = [Bool](repeating: false, count: tensors.count)
        produced[inputTensor] = true
        // The largest |q - zero point| of each computed tensor, from the operation writing it.
        var codes = tensors.map { Self.fullRange($0.elementType) }
        codes[inputTensor] = Self.largestInputCode(input, encoding: inputEncoding, preprocessing: preprocessing)
        for (index, operation) in operations.enumerated() {
            let label = "operation #\(index) (\(operation.kind))"
            for tensor in operation.inputs + [operation.output] where !tensors.indices.contains(tensor) {
                throw fail("\(label) refers to tensor #\(tensor), which does not exist")
            }
            for tensor in operation.inputs where !produced[tensor] {
                throw fail("\(label) reads tensor #\(tensor) before it is computed")
            }
            guard !produced[operation.output] else {
                throw fail("\(label) writes tensor #\(operation.output), which is already computed")
            }
            produced[operation.output] = true
            do {
                try validate(operation, codes: codes)
            } catch {
                throw fail("\(label) writing '\(tensors[operation.output].name)': \(error.problem)")
            }
            codes[operation.output] = Self.largestCode(writtenBy: operation, tensors: tensors, inputCodes: codes)
        }
        guard produced[outputTensor] else { throw fail("no operation computes the output tensor #\(outputTensor)") }
        if let logitScales {
            guard case .fullyConnected(let last)? = operations.last, last.output == outputTensor else {
                throw fail("has float logit scales but its last operation is not a fully connected layer writing the output tensor")
            }
            guard logitScales.count == tensors[outputTensor].shape.elementCount else {
                throw fail("\(logitScales.count) float logit scales for \(tensors[outputTensor].shape.elementCount) outputs")
            }
            for (index, scale) in logitScales.enumerated() where !(scale.isFinite && scale > 0) {
                throw fail("float logit scale #\(index) is \(scale)")
            }
        }
        if inputEncoding == .offsetFoldedIntoBias {
            // Padding taps hold the zero point, which is real 0 only without the folded offset.
            for operation in operations where operation.inputs.contains(inputTensor) {
                switch operation {
                case .conv2D(let op), .depthwiseConv2D(let op, _):
                    let input = tensors[inputTensor].shape, output = tensors[op.output].shape
                    guard op.window.padTop == 0, op.window.padLeft == 0,
                          (output.height - 1) * op.window.strideHeight + op.window.kernelHeight <= input.height,
                          (output.width - 1) * op.window.strideWidth + op.window.kernelWidth <= input.width
                    else { throw fail("the input offset is folded into a \(operation.kind) that pads its input") }
                case .fullyConnected: break
                default: throw fail("the input offset is folded but the input feeds a \(operation.kind)")
                }
            }
        }

    }

    private func validate(_ operation: ModelOperation, codes: [Int64]) throws(ModelValidationError) {
        func fail(_ message: String) -> ModelValidationError { ModelValidationError(message) }
        // Every kernel reads and writes one element type.
        let type = tensors[operation.output].elementType
        for input in operation.inputs where tensors[input].elementType != type {
            throw fail("reads \(tensors[input].elementType) tensor '\(tensors[input].name)' but writes \(type)")
        }
        func sameQuantization(_ input: TensorID, _ output: TensorID) throws(ModelValidationError) {
            guard tensors[input].scale == tensors[output].scale, tensors[input].zeroPoint == tensors[output].zeroPoint else {
                throw fail("output quantization differs from its input's")
            }
        }
        func clampRange(_ low: Int32, _ high: Int32) throws(ModelValidationError) {
            guard type.minimum <= low, low <= high, high <= type.maximum else {
                throw fail("activation range [\(low), \(high)] is not within \(type)")
            }
        }
        func multiplier(_ value: Int32, _ shift: Int32, _ what: String) throws(ModelValidationError) {
            guard value == 0 || value >= 1 << 30 else { throw fail("\(what) multiplier \(value) is outside [2^30, 2^31)") }
            guard (-31...31).contains(shift) else { throw fail("\(what) shift \(shift) is outside [-31, 31]") }
        }
        func window(_ w: WindowGeometry, _ input: TensorShape, _ output: TensorShape) throws(ModelValidationError) {
            guard (1...Self.maximumDimension).contains(w.kernelHeight), (1...Self.maximumDimension).contains(w.kernelWidth),
                  (1...Self.maximumDimension).contains(w.strideHeight), (1...Self.maximumDimension).contains(w.strideWidth)
            else { throw fail("window \(w.kernelHeight)x\(w.kernelWidth) stride \(w.strideHeight)x\(w.strideWidth) is invalid") }
            // Every window holds at least one valid tap and pads less than a kernel on each side.
            guard (0..<w.kernelHeight).contains(w.padTop), (0..<w.kernelWidth).contains(w.padLeft),
                  (output.height - 1) * w.strideHeight - w.padTop < input.height,
                  (output.width - 1) * w.strideWidth - w.padLeft < input.width
            else {
                throw fail("window \(w.kernelHeight)x\(w.kernelWidth) stride \(w.strideHeight)x\(w.strideWidth) pad (\(w.padTop), \(w.padLeft)) does not map \(input) to \(output)")
            }
        }
        func weighted(_ op: WeightedOperation, reduction: Int, weightCount: Int, channels: Int) throws(ModelValidationError) {
            guard reduction <= Self.maximumReduction else { throw fail("reduction over \(reduction) terms could overflow int32") }
            guard op.weights.count == weightCount else { throw fail("has \(op.weights.count) weights, expected \(weightCount)") }
            guard !op.weights.contains(-128) else { throw fail("has a weight of -128 (weights are within [-127, 127])") }
            guard op.bias.count == channels else { throw fail("has \(op.bias.count) biases, expected \(channels)") }
            guard op.bias.allSatisfy({ $0 > -Self.maximumBiasMagnitude && $0 < Self.maximumBiasMagnitude }) else {
                throw fail("has a bias beyond +-2^30")
            }
            let rq = op.requantization
            guard rq.multipliers.count == channels, rq.shifts.count == channels else {
                throw fail("has \(rq.multipliers.count) multipliers and \(rq.shifts.count) shifts, expected \(channels)")
            }
            for channel in 0..<channels {
                try multiplier(rq.multipliers[channel], rq.shifts[channel], "channel \(channel)")
            }
            try clampRange(rq.activationMin, rq.activationMax)
        }
        func int16Accumulator(_ op: WeightedOperation) throws(ModelValidationError) {
            guard type == .int16, let taps = operation.taps else { return }
            let bias = op.bias.map { Int64($0).magnitude }.max() ?? 0
            let largest = codes[op.input]
            guard Int64(bias) <= Self.largestBias(taps: taps, elementType: type, largestInputCode: largest) else {
                throw fail("int16 sum over \(taps) taps of inputs within \(largest) of their zero point, with biases up to \(bias), could overflow int32 (taps x \(largest) x 127 + |bias| must stay below 2^31)")
            }
        }

        switch operation {
        case .conv2D(let op):
            let input = tensors[op.input].shape, output = tensors[op.output].shape
            try window(op.window, input, output)
            let w = op.window
            try weighted(op, reduction: w.kernelHeight * w.kernelWidth * input.channels,
                         weightCount: output.channels * w.kernelHeight * w.kernelWidth * input.channels,
                         channels: output.channels)
            try int16Accumulator(op)
        case .depthwiseConv2D(let op, let depthMultiplier):
            let input = tensors[op.input].shape, output = tensors[op.output].shape
            guard (1...Self.maximumDimension).contains(depthMultiplier), output.channels == input.channels * depthMultiplier else {
                throw fail("depth multiplier \(depthMultiplier) does not map \(input.channels) to \(output.channels) channels")
            }
            try window(op.window, input, output)
            let w = op.window
            try weighted(op, reduction: w.kernelHeight * w.kernelWidth,
                         weightCount: w.kernelHeight * w.kernelWidth * output.channels, channels: output.channels)
            try int16Accumulator(op)
        case .fullyConnected(let op):
            let inputCount = tensors[op.input].shape.elementCount, output = tensors[op.output].shape
            guard output.height == 1, output.width == 1 else { throw fail("output \(output) is not a vector") }
            try weighted(op, reduction: inputCount, weightCount: inputCount * output.channels, channels: output.channels)
        case .maxPool(let op), .averagePool(let op):
            let input = tensors[op.input].shape, output = tensors[op.output].shape
            guard input.channels == output.channels else { throw fail("maps \(input.channels) to \(output.channels) channels") }
            try window(op.window, input, output)
            guard op.window.kernelHeight * op.window.kernelWidth < 1 << 23 else { throw fail("pool window is too large") }
            try sameQuantization(op.input, op.output)
            try clampRange(op.activationMin, op.activationMax)
        case .add(let op):
            guard tensors[op.a].shape == tensors[op.b].shape, tensors[op.a].shape == tensors[op.output].shape else {
                throw fail("adds \(tensors[op.a].shape) and \(tensors[op.b].shape) into \(tensors[op.output].shape)")
            }
            // |q - zero point| <= 255 < 2^8 (int8) or <= 2^15 (int16), so a left shift up to 22
            // (int8) or 15 (int16) stays below 2^31.
            let largestShift: Int32 = type == .int8 ? 22 : 15
            guard (0...largestShift).contains(op.leftShift) else {
                throw fail("left shift \(op.leftShift) is outside [0, \(largestShift)] for \(type)")
            }
            // Input rescaling by at most 1 (shift >= 0) keeps |a'| and |b'| below 2^30, so a' + b' fits.
            guard op.aShift >= 0, op.bShift >= 0 else { throw fail("input rescaling shifts must not be negative") }
            try multiplier(op.aMultiplier, op.aShift, "input a")
            try multiplier(op.bMultiplier, op.bShift, "input b")
            try multiplier(op.outputMultiplier, op.outputShift, "output")
            try clampRange(op.activationMin, op.activationMax)
        case .lookup(let op):
            guard tensors[op.input].shape == tensors[op.output].shape else {
                throw fail("maps \(tensors[op.input].shape) to \(tensors[op.output].shape)")
            }
            let count = LookupOperation.tableCount(for: type)
            guard op.table.count == count else { throw fail("has \(op.table.count) table entries, expected \(count) for \(type)") }
            guard op.table.allSatisfy({ (type.minimum...type.maximum).contains(Int32($0)) }) else {
                throw fail("has table entries outside \(type)")
            }
        case .multiply(let op):
            let a = tensors[op.a].shape, b = tensors[op.b].shape
            guard b == a || b == .vector(a.channels), tensors[op.output].shape == a else {
                throw fail("multiplies \(a) by \(b) into \(tensors[op.output].shape) (the second must be the first's shape or 1x1x\(a.channels))")
            }
            // |a - za| and |b - zb| <= 2^15, so the int32 product is at most 2^30.
            try multiplier(op.multiplier, op.shift, "output")
            try clampRange(op.activationMin, op.activationMax)
        case .flatten(let input, let output):
            guard tensors[output].shape == TensorShape(height: 1, width: 1, channels: tensors[input].shape.elementCount) else {
                throw fail("flattens \(tensors[input].shape) into \(tensors[output].shape)")
            }
            try sameQuantization(input, output)
        }
    }
}
