import CEdgeKernels
import EdgeModel
import EdgeSystem
import Foundation

/// Runs a quantized model (int8 weights; int8 or int16 activations, each op through the table's
/// int8 or `_s16` kernel) through a kernel table. Everything is prepared at init: one arena for all
/// activations (`ArenaPlan`), one 64-byte aligned block for all weights, biases, multipliers and
/// shifts, one for every layer's bytes from the table's pack functions (weights in the table's
/// layout, folded biases, requantization constants), the kernel parameter structs, and a
/// 256-entry pixel-to-code table. An inference then allocates nothing, takes no lock and logs
/// nothing (use `classify(pixels:into:)`; `classify(pixels:)` allocates its result).
///
/// `threads` > 1 makes `threads - 1` worker threads here (`WorkerPool`) and runs each large layer
/// in parts claimed by them and the caller: conv, depthwise conv and pools split their output
/// rows, multiply its pixels, add and lookup their elements; small layers run on the caller alone.
/// A lookup (hard swish, ...) that reads the conv or depthwise conv just before it runs fused into
/// it: each part applies the table to the rows it has just written, while they are in cache, with
/// no barrier in between (same arithmetic, same bytes: both tensors are still written). Any split gives the same
/// bytes.
///
/// `batchCapacity` > 1 gives the arena that many slots, one per image, so that `invoke(batch:count:)`
/// can run up to that many images layer by layer: every image through step k, then every image
/// through step k + 1, ... Each layer's packed weights are then read once per batch and stay in cache
/// for the other images, and with threads the parts of one step are the rows of all its images (the
/// small late layers, too small to split for one image, then have work for every thread). Batching
/// a layer pays only while the batch's activations of that layer stay in cache, so the early large
/// layers run image by image: the batched steps are the longest tail of the network in which every
/// step's input and output bytes times the batch's image count, plus its weight bytes, fit in
/// `batchCacheBytes` (`batchedSteps(images:)`). Each image's bytes are exactly those of
/// `invoke(pixels:)` on it alone, whatever the schedule: the kernels are the same calls on each
/// image's own slot.
///
/// Not thread-safe: one interpreter per thread (they may share a `QuantizedModel`).
public final class Interpreter {
    public let model: QuantizedModel
    public let kernels: KernelTable
    public let plan: ArenaPlan

    private let arena: UnsafeMutableRawPointer
    private let constants: UnsafeMutableRawPointer
    /// Every weighted step's bytes from the table's pack function (made once, here).
    private let packed: UnsafeMutableRawPointer
    /// Size of those bytes (64-byte aligned per layer).
    public let packedByteCount: Int
    private let steps: [Step]
    /// Runs steps (or parts of them); shared with the worker pool's threads.
    private let runner: StepRunner
    /// Worker threads for `threads` > 1 (nil with one thread).
    private let pool: WorkerPool?
    /// Threads an inference uses, the caller's included.
    public var threads: Int { pool?.threads ?? 1 }
    /// Images `invoke(batch:count:)` takes at most (arena slots).
    public let batchCapacity: Int
    /// Bytes from one image's arena slot to the next.
    private let slotStride: Int
    /// The cache budget of a batched step (see the type's description).
    public let batchCacheBytes: Int
    /// Per step: the largest input + output bytes per image of it and every later step, and the
    /// largest weight bytes of those steps.
    private let tailActivationBytes: [Int], tailWeightBytes: [Int]
    /// Number of steps that run operations 0...i (flatten has no step).
    private let stepsThroughOperation: [Int]
    /// The input tensor's code of each 8-bit pixel value.
    private let pixelCodes: [Int32]
    private let inputPointer: UnsafeMutableRawPointer
    private let inputType: ActivationType
    private let inputCount: Int
    private let outputTensor: ModelTensor
    /// The final fully connected layer's float logits (`QuantizedModel.logitScales`), written by
    /// every full `invoke`; nil when the model's scores come from the int8 output.
    private let finalLogits: FinalLogits?

    /// `reuseMemory: false` keeps every tensor readable after `invoke` (see `tensor(_:)`).
    /// `batchCapacity`: arena slots for `invoke(batch:count:)` (1 to 256; memory grows with it).
    /// `batchCacheBytes`: which steps of a batch run layer by layer (see the type's description).
    public convenience init(model: QuantizedModel, kernels: KernelTable = .reference, reuseMemory: Bool = true,
                            threads: Int = 1, batchCapacity: Int = 1,
                            batchCacheBytes: Int = Interpreter.defaultBatchCacheBytes) throws(ModelValidationError) {
        try self.init(model: model, kernels: kernels, reuseMemory: reuseMemory, threads: threads,
                      batchCapacity: batchCapacity, batchCacheBytes: batchCacheBytes,
                      parallelMinimumWork: Self.parallelMinimumWork)
    }

    /// Half the 512 kB L2 cache of the smallest supported boards (Pi Zero 2 W, 3B+; Pi 5 has 512 kB
    /// per core): the other half holds the kernels' other data, the rest of the process and the
    /// detector's tables. README, "Batched inference".
    public static let defaultBatchCacheBytes = 256 * 1024

    /// Layers with less work than this (multiply-accumulates, or taps for pools, or 4 x elements
    /// for add and multiply, 2 x elements for lookup) run on one thread: a split costs a wake-up and
    /// a barrier of a few microseconds.
    static let parallelMinimumWork = 40_000

    /// `parallelMinimumWork`: layers with less work run on one thread (tests pass 0 to split every layer).
    init(model: QuantizedModel, kernels: KernelTable, reuseMemory: Bool, threads: Int, batchCapacity: Int = 1,
         batchCacheBytes: Int = Interpreter.defaultBatchCacheBytes, parallelMinimumWork: Int) throws(ModelValidationError) {
        try model.validate()
        guard (1...Self.maximumBatch).contains(batchCapacity) else {
            throw ModelValidationError("batch capacity \(batchCapacity): give 1 to \(Self.maximumBatch)")
        }
        let table = kernels.table.pointee
        guard table.conv2d != nil, table.depthwise_conv2d != nil, table.fully_connected != nil,
              table.conv2d_pack != nil, table.depthwise_conv2d_pack != nil, table.fully_connected_pack != nil,
              table.max_pool != nil, table.average_pool != nil, table.add != nil,
              table.conv2d_s16 != nil, table.depthwise_conv2d_s16 != nil, table.fully_connected_s16 != nil,
              table.conv2d_s16_pack != nil, table.depthwise_conv2d_s16_pack != nil, table.fully_connected_s16_pack != nil,
              table.max_pool_s16 != nil, table.average_pool_s16 != nil, table.add_s16 != nil,
              table.lookup != nil, table.lookup_s16 != nil, table.multiply != nil, table.multiply_s16 != nil
        else { throw ModelValidationError("kernel table '\(kernels.name)' lacks an operation") }
        self.model = model
        self.kernels = kernels
        plan = ArenaPlan(model: model, reuseMemory: reuseMemory)
        self.batchCapacity = batchCapacity
        let slotStride = Self.padded(plan.byteCount)
        self.slotStride = slotStride
        let arena = UnsafeMutableRawPointer.allocate(byteCount: slotStride * batchCapacity, alignment: ArenaPlan.alignment)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: slotStride * batchCapacity)
        self.arena = arena
        let plan = self.plan

        var constantBytes = 0
        for operation in model.operations {
            if let op = operation.weighted {
                constantBytes += Self.padded(op.weights.count) + 3 * Self.padded(4 * op.bias.count)
            }
            if case .lookup(let op) = operation { constantBytes += Self.padded(2 * op.table.count) }
        }
        if let scales = model.logitScales, let op = model.operations.last?.weighted {
            constantBytes += Self.padded(op.weights.count) + Self.padded(4 * op.bias.count) + Self.padded(4 * scales.count)
        }
        let constants = UnsafeMutableRawPointer.allocate(byteCount: max(constantBytes, 64), alignment: ArenaPlan.alignment)
        self.constants = constants
        var cursor = 0
        func store<Element>(_ values: [Element]) -> UnsafePointer<Element> {
            let pointer = (constants + cursor).bindMemory(to: Element.self, capacity: values.count)
            pointer.initialize(from: values, count: values.count)
            cursor += Self.padded(MemoryLayout<Element>.stride * values.count)
            return UnsafePointer(pointer)
        }

        func tensor(_ id: TensorID) -> Activations { Activations(bytes: arena + plan.offsets[id]) }
        func window(_ geometry: WindowGeometry, _ input: TensorID, _ output: TensorID) -> edge_window_params {
            let i = model.tensors[input].shape, o = model.tensors[output].shape
            return edge_window_params(
                input_height: Int32(i.height), input_width: Int32(i.width), input_channels: Int32(i.channels),
                output_height: Int32(o.height), output_width: Int32(o.width), output_channels: Int32(o.channels),
                kernel_height: Int32(geometry.kernelHeight), kernel_width: Int32(geometry.kernelWidth),
                stride_height: Int32(geometry.strideHeight), stride_width: Int32(geometry.strideWidth),
                pad_top: Int32(geometry.padTop), pad_left: Int32(geometry.padLeft))
        }
        func weighted(_ op: WeightedOperation) -> WeightedStep {
            let rq = op.requantization
            return WeightedStep(
                window: window(op.window, op.input, op.output),
                requant: edge_requant_params(
                    input_zero_point: model.tensors[op.input].zeroPoint,
                    output_zero_point: model.tensors[op.output].zeroPoint,
                    activation_min: rq.activationMin, activation_max: rq.activationMax,
                    multiplier: store(rq.multipliers), shift: store(rq.shifts)),
                input: tensor(op.input), filter: store(op.weights), bias: store(op.bias), output: tensor(op.output),
                int16: model.tensors[op.output].elementType == .int16)
        }
        var steps = model.operations.compactMap { operation -> Step? in
            switch operation {
            case .conv2D(let op): return .conv2D(weighted(op))
            case .depthwiseConv2D(let op, let depthMultiplier): return .depthwiseConv2D(weighted(op), Int32(depthMultiplier))
            case .fullyConnected(let op): return .fullyConnected(weighted(op), Int32(model.tensors[op.input].shape.elementCount))
            case .maxPool(let op), .averagePool(let op):
                let step = PoolStep(window: window(op.window, op.input, op.output), activationMin: op.activationMin,
                                    activationMax: op.activationMax, input: tensor(op.input), output: tensor(op.output),
                                    int16: model.tensors[op.output].elementType == .int16)
                if case .maxPool = operation { return .maxPool(step) }
                return .averagePool(step)
            case .add(let op):
                let params = edge_add_params(
                    left_shift: op.leftShift,
                    a_zero_point: model.tensors[op.a].zeroPoint, a_multiplier: op.aMultiplier, a_shift: op.aShift,
                    b_zero_point: model.tensors[op.b].zeroPoint, b_multiplier: op.bMultiplier, b_shift: op.bShift,
                    output_zero_point: model.tensors[op.output].zeroPoint, output_multiplier: op.outputMultiplier,
                    output_shift: op.outputShift, activation_min: op.activationMin, activation_max: op.activationMax)
                return .add(AddStep(count: model.tensors[op.output].shape.elementCount, params: params,
                                    a: tensor(op.a), b: tensor(op.b), output: tensor(op.output),
                                    int16: model.tensors[op.output].elementType == .int16))
            case .lookup(let op):
                let int16 = model.tensors[op.output].elementType == .int16
                let table = int16 ? UnsafeRawPointer(store(op.table))
                    : UnsafeRawPointer(store(op.table.map { Int8(truncatingIfNeeded: $0) }))
                return .lookup(LookupStep(count: model.tensors[op.output].shape.elementCount, table: table,
                                          input: tensor(op.input), output: tensor(op.output), int16: int16))
            case .multiply(let op):
                let shape = model.tensors[op.a].shape
                let params = edge_multiply_params(
                    a_zero_point: model.tensors[op.a].zeroPoint, b_zero_point: model.tensors[op.b].zeroPoint,
                    output_zero_point: model.tensors[op.output].zeroPoint, output_multiplier: op.multiplier,
                    output_shift: op.shift, activation_min: op.activationMin, activation_max: op.activationMax)
                let gate = model.tensors[op.b].shape != shape
                return .multiply(MultiplyStep(pixels: shape.height * shape.width, channels: shape.channels, params: params,
                                              a: tensor(op.a), b: tensor(op.b), bPixelStride: gate ? 0 : shape.channels,
                                              output: tensor(op.output), int16: model.tensors[op.output].elementType == .int16))
            case .flatten:
                return nil  // the output aliases the input
            }
        }
        let fusedLookups = Self.fuseLookups(into: &steps, model: model)
        // Each weighted step's packed bytes for this table, in one 64-byte aligned block.
        var packedOffsets = [Int](repeating: 0, count: steps.count)
        var packedBytes = 0
        for (index, step) in steps.enumerated() {
            packedOffsets[index] = packedBytes
            packedBytes += Self.padded(Self.pack(step, table: table, into: nil))
        }
        let packed = UnsafeMutableRawPointer.allocate(byteCount: max(packedBytes, 64), alignment: ArenaPlan.alignment)
        self.packed = packed
        packedByteCount = packedBytes
        for index in steps.indices {
            steps[index].setPacked(packed + packedOffsets[index])
            _ = Self.pack(steps[index], table: table, into: packed + packedOffsets[index])
        }
        self.steps = steps
        self.batchCacheBytes = batchCacheBytes
        // Input + output bytes and weight bytes of each step (flatten has none; a fused lookup adds its
        // output to its conv's step), and the maxima over each tail. Weight bytes are the model's int8
        // weights, whatever the table packs (the same schedule for every table).
        var stepBytes: [(activations: Int, weights: Int)] = []
        for (index, operation) in model.operations.enumerated() {
            if case .flatten = operation { continue }
            if fusedLookups.contains(index) {
                stepBytes[stepBytes.count - 1].activations += model.tensors[operation.output].byteCount
                continue
            }
            stepBytes.append(((operation.inputs + [operation.output]).map { model.tensors[$0].byteCount }.reduce(0, +),
                              operation.weighted?.weights.count ?? 0))
        }
        precondition(stepBytes.count == steps.count, "one byte count per step")
        var tailActivation = [Int](repeating: 0, count: steps.count + 1)
        var tailWeights = [Int](repeating: 0, count: steps.count + 1)
        for index in steps.indices.reversed() {
            tailActivation[index] = max(tailActivation[index + 1], stepBytes[index].activations)
            tailWeights[index] = max(tailWeights[index + 1], stepBytes[index].weights)
        }
        tailActivationBytes = tailActivation
        tailWeightBytes = tailWeights
        let runner = StepRunner(steps: steps, table: table, threads: max(1, threads), minimumWork: parallelMinimumWork,
                                slotStride: slotStride)
        self.runner = runner
        pool = threads > 1
            ? WorkerPool(threads: threads, name: "edge-cnn") { job, part, parts in
                let images = job / Self.jobStride
                runner.run(job % Self.jobStride, images: images / Self.imageRangeStride..<images % Self.imageRangeStride,
                           part: part, of: parts)
            }
            : nil
        var stepCounts: [Int] = []
        var stepCount = 0
        for (index, operation) in model.operations.enumerated() {
            // flatten has no step; a fused lookup runs inside its conv's
            if case .flatten = operation {} else if !fusedLookups.contains(index) { stepCount += 1 }
            stepCounts.append(stepCount)
        }
        stepsThroughOperation = stepCounts.isEmpty ? [0] : stepCounts
        let input = model.tensors[model.inputTensor]
        pixelCodes = (0...255).map {
            model.inputEncoding.quantize(pixel: UInt8($0), preprocessing: model.preprocessing,
                                         scale: input.scale, zeroPoint: input.zeroPoint, elementType: input.elementType)
        }
        inputPointer = tensor(model.inputTensor).bytes
        inputType = input.elementType
        inputCount = input.shape.elementCount
        outputTensor = model.tensors[model.outputTensor]
        if let scales = model.logitScales, case .fullyConnected(let op)? = model.operations.last {
            let logits = UnsafeMutableBufferPointer<Float>.allocate(capacity: scales.count * batchCapacity)
            logits.initialize(repeating: 0)
            finalLogits = FinalLogits(
                inputCount: Int32(model.tensors[op.input].shape.elementCount), outputCount: Int32(scales.count),
                inputZeroPoint: model.tensors[op.input].zeroPoint, input: UnsafeRawPointer(tensor(op.input).bytes),
                int16: model.tensors[op.input].elementType == .int16,
                filter: store(op.weights), bias: store(op.bias), scale: store(scales), logits: logits)
        } else {
            finalLogits = nil
        }
    }

    deinit {
        arena.deallocate()
        constants.deallocate()
        packed.deallocate()
        finalLogits?.logits.deallocate()
    }

    private static func padded(_ bytes: Int) -> Int { (bytes + 63) / 64 * 64 }

    /// The largest `batchCapacity`.
    public static let maximumBatch = 256
    /// A pool job is `(firstImage * imageRangeStride + endImage) * jobStride + step` (steps are far fewer
    /// than `jobStride`, images at most `maximumBatch`).
    private static let jobStride = 1 << 16, imageRangeStride = 1 << 9

    /// The steps `invoke(batch:count:)` runs layer by layer for `images` images: from the first one on
    /// which every later step has images x (input + output bytes) + weight bytes within
    /// `batchCacheBytes`; the steps before it run image by image. All steps when `images` is 1.
    public func batchedSteps(images: Int) -> Range<Int> {
        guard images > 1 else { return 0..<steps.count }
        let first = steps.indices.first {
            images * tailActivationBytes[$0] + tailWeightBytes[$0] <= batchCacheBytes
        } ?? steps.count
        return first..<steps.count
    }

    /// Moves every lookup step that reads the output of the conv or depthwise conv step just before
    /// it into that step as its epilogue; returns the indices of those lookup operations.
    /// `steps` holds one step per operation but flatten, in model order. `ArenaPlan` keeps the
    /// conv's input apart from the lookup's output (`ArenaPlan.runsFused`: the same lookups).
    private static func fuseLookups(into steps: inout [Step], model: QuantizedModel) -> Set<Int> {
        let operationOfStep = model.operations.indices.filter {
            if case .flatten = model.operations[$0] { return false } else { return true }
        }
        var fused = Set<Int>()
        var merged: [Step] = []
        for (index, step) in steps.enumerated() {
            let operation = operationOfStep[index]
            if case .lookup(let lookup) = step, ArenaPlan.runsFused(model, operation: operation),
               let last = merged.last, last.acceptsEpilogue, operationOfStep[index - 1] == operation - 1 {
                merged[merged.count - 1].setEpilogue(lookup)
                fused.insert(operation)
                continue
            }
            merged.append(step)
        }
        steps = merged
        return fused
    }

    /// The table's pack function for `step`: the byte count it needs, written to `destination` unless nil.
    private static func pack(_ step: Step, table: edge_kernel_table, into destination: UnsafeMutableRawPointer?) -> Int {
        switch step {
        case .conv2D(var s):
            let pack = s.int16 ? table.conv2d_s16_pack! : table.conv2d_pack!
            return pack(&s.window, &s.requant, s.filter, s.bias, destination)
        case .depthwiseConv2D(var s, let depthMultiplier):
            let pack = s.int16 ? table.depthwise_conv2d_s16_pack! : table.depthwise_conv2d_pack!
            return pack(&s.window, depthMultiplier, &s.requant, s.filter, s.bias, destination)
        case .fullyConnected(var s, let inputCount):
            let pack = s.int16 ? table.fully_connected_s16_pack! : table.fully_connected_pack!
            return pack(inputCount, s.window.output_channels, &s.requant, s.filter, s.bias, destination)
        case .maxPool, .averagePool, .add, .lookup, .multiply:
            return 0
        }
    }

    /// Height x width x channels of the pixels `classify` expects.
    public var inputShape: TensorShape { model.inputShape }

    /// Runs the model on 8-bit pixels (HWC, the model's input size, already resized/cropped).
    public func invoke(pixels: UnsafeBufferPointer<UInt8>) throws(InterpreterError) {
        guard pixels.count == inputCount else { throw InterpreterError.inputSize(expected: inputCount, got: pixels.count) }
        quantizeInput(pixels)
        execute()
    }

    /// Runs only operations 0 through `lastOperation` (model order) on 8-bit pixels: enough to
    /// read the tensors they write, for calibration tools that tune one layer at a time.
    public func invoke(pixels: UnsafeBufferPointer<UInt8>, throughOperation lastOperation: Int) throws(InterpreterError) {
        guard pixels.count == inputCount else { throw InterpreterError.inputSize(expected: inputCount, got: pixels.count) }
        quantizeInput(pixels)
        execute(stepCount: stepsThroughOperation[min(max(lastOperation, 0), stepsThroughOperation.count - 1)])
    }

    /// Runs the model on `count` images at once (1...`batchCapacity`), their 8-bit pixels back to back in
    /// `pixels`: layer by layer, each step on every image before the next step (see the type's
    /// description). Image i's outputs (`logits(image:)`, `outputBytes(image:)`) are bit for bit those
    /// `invoke(pixels:)` gives it alone, whatever the thread count. Allocates nothing.
    public func invoke(batch pixels: UnsafeBufferPointer<UInt8>, count: Int) throws(InterpreterError) {
        guard (1...batchCapacity).contains(count) else { throw InterpreterError.batchSize(capacity: batchCapacity, got: count) }
        guard pixels.count == inputCount * count else {
            throw InterpreterError.inputSize(expected: inputCount * count, got: pixels.count)
        }
        for image in 0..<count {
            quantizeInput(UnsafeBufferPointer(rebasing: pixels[image * inputCount..<(image + 1) * inputCount]), image: image)
        }
        execute(images: count)
    }

    /// Class scores (as `classify(pixels:into:)`) of `count` images run as one batch (`invoke(batch:count:)`):
    /// image i's scores in `scores[i * classCount ..< (i + 1) * classCount]`. Allocates nothing.
    public func classify(batch pixels: UnsafeBufferPointer<UInt8>, count: Int,
                         into scores: UnsafeMutableBufferPointer<Float>) throws(InterpreterError) {
        guard scores.count == classCount * count else {
            throw InterpreterError.outputSize(expected: classCount * count, got: scores.count)
        }
        try invoke(batch: pixels, count: count)
        for image in 0..<count {
            readScores(image: image, into: UnsafeMutableBufferPointer(rebasing: scores[image * classCount..<(image + 1) * classCount]))
        }
    }

    /// Runs the model on an already quantized input tensor (int8 models).
    public func invoke(quantizedInput: UnsafeBufferPointer<Int8>) throws(InterpreterError) {
        guard inputType == .int8 else { throw InterpreterError.inputType(expected: inputType) }
        guard quantizedInput.count == inputCount else {
            throw InterpreterError.inputSize(expected: inputCount, got: quantizedInput.count)
        }
        inputPointer.assumingMemoryBound(to: Int8.self).update(from: quantizedInput.baseAddress!, count: inputCount)
        execute()
    }

    /// The output of the last `invoke` as stored values (int8 or int16); dequantize with `outputQuantization`.
    public var output: [Int32] { values(ofTensor: model.outputTensor) }

    /// The output tensor's bytes after the last `invoke` (its element type's little-endian values).
    public var outputBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: arena + plan.offsets[model.outputTensor], count: outputTensor.byteCount)
    }

    public var outputQuantization: (scale: Float, zeroPoint: Int32) { (outputTensor.scale, outputTensor.zeroPoint) }

    /// The float logits of the last full `invoke` when the model has `logitScales` (computed from
    /// the final layer's exact sums); nil otherwise.
    public var logits: UnsafeBufferPointer<Float>? { logits(image: 0) }

    /// Image `image`'s float logits after the last `invoke(batch:count:)` (image 0: the last `invoke`);
    /// nil for models without `logitScales`.
    public func logits(image: Int) -> UnsafeBufferPointer<Float>? {
        precondition((0..<batchCapacity).contains(image), "image \(image) of a batch capacity of \(batchCapacity)")
        return finalLogits.map { f in
            let count = Int(f.outputCount)
            return UnsafeBufferPointer(rebasing: f.logits[image * count..<(image + 1) * count])
        }
    }

    /// Image `image`'s output tensor bytes after the last `invoke(batch:count:)`.
    public func outputBytes(image: Int) -> UnsafeRawBufferPointer {
        precondition((0..<batchCapacity).contains(image), "image \(image) of a batch capacity of \(batchCapacity)")
        return UnsafeRawBufferPointer(start: arena + image * slotStride + plan.offsets[model.outputTensor],
                                      count: outputTensor.byteCount)
    }

    /// The stored values (int8 or int16) of tensor `id` after the last `invoke`. With memory reuse
    /// only the input and output are guaranteed intact; build the interpreter with
    /// `reuseMemory: false` to read the others. Allocates: for tools and tests, not inferences.
    public func values(ofTensor id: TensorID) -> [Int32] {
        let tensor = model.tensors[id], start = arena + plan.offsets[id], count = tensor.shape.elementCount
        switch tensor.elementType {
        case .int8: return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Int8.self), count: count).map(Int32.init)
        case .int16: return UnsafeBufferPointer(start: start.assumingMemoryBound(to: Int16.self), count: count).map(Int32.init)
        }
    }

    /// Tensor `id`'s real values after the last `invoke` (see `values(ofTensor:)`).
    public func dequantized(tensor id: TensorID) -> [Float] {
        let tensor = model.tensors[id]
        return values(ofTensor: id).map { tensor.dequantize($0) }
    }

    /// Class scores of `pixels` into `scores` (one per output): the float logits (or, without
    /// `logitScales`, the dequantized output), with the
    /// model's output activation (softmax) applied in float. Allocates nothing.
    public func classify(pixels: UnsafeBufferPointer<UInt8>, into scores: UnsafeMutableBufferPointer<Float>) throws(InterpreterError) {
        guard scores.count == outputTensor.shape.elementCount else {
            throw InterpreterError.outputSize(expected: outputTensor.shape.elementCount, got: scores.count)
        }
        try invoke(pixels: pixels)
        readScores(image: 0, into: scores)
    }

    /// Image `image`'s class scores from its slot (logits or dequantized output, then the softmax).
    func readScores(image: Int, into scores: UnsafeMutableBufferPointer<Float>) {
        if let finalLogits {
            let first = image * scores.count
            for index in 0..<scores.count {
                scores[index] = finalLogits.logits[first + index]
            }
        } else {
            let start = arena + image * slotStride + plan.offsets[model.outputTensor]
            for index in 0..<scores.count {
                let q = outputTensor.elementType == .int16
                    ? Int32(start.load(fromByteOffset: 2 * index, as: Int16.self))
                    : Int32(start.load(fromByteOffset: index, as: Int8.self))
                scores[index] = outputTensor.dequantize(q)
            }
        }
        if model.outputActivation == .softmax {
            Self.softmax(scores)
        }
    }

    /// Scores per image of `classify(pixels:)`.
    public var classCount: Int { outputTensor.shape.elementCount }

    /// Class scores of `pixels` (see `classify(pixels:into:)`).
    public func classify(pixels: UnsafeBufferPointer<UInt8>) throws(InterpreterError) -> [Float] {
        var scores = [Float](repeating: 0, count: outputTensor.shape.elementCount)
        try scores.withUnsafeMutableBufferPointer { (buffer) throws(InterpreterError) in
            try classify(pixels: pixels, into: buffer)
        }
        return scores
    }

    /// Numerically stable softmax in place.
    public static func softmax(_ values: UnsafeMutableBufferPointer<Float>) {
        guard let largest = values.max() else { return }
        var sum: Float = 0
        for index in values.indices {
            values[index] = Foundation.exp(values[index] - largest)
            sum += values[index]
        }
        for index in values.indices {
            values[index] /= sum
        }
    }

    /// What each step of `invokeProfiled` is, e.g. "conv2d 62x62x8 -> 60x60x8 k3x3 s1 (2 threads)".
    public var stepDescriptions: [String] {
        steps.indices.map { index in
            let split = pool != nil && runner.isParallel(index, images: 1) ? " (\(threads) threads)" : ""
            switch steps[index] {
            case .conv2D(let s): return "conv2d " + Self.describe(s.window) + Self.describe(s.epilogue) + split
            case .depthwiseConv2D(let s, _):
                return "depthwise_conv2d " + Self.describe(s.window) + Self.describe(s.epilogue) + split
            case .fullyConnected(let s, let n): return "fully_connected \(n) -> \(s.window.output_channels)" + split
            case .maxPool(let s): return "max_pool " + Self.describe(s.window) + split
            case .averagePool(let s): return "average_pool " + Self.describe(s.window) + split
            case .add(let s): return "add \(s.count)" + split
            case .lookup(let s): return "lookup \(s.count)" + split
            case .multiply(let s):
                return "multiply \(s.pixels)x\(s.channels)" + (s.bPixelStride == 0 ? " by a gate" : "") + split
            }
        }
    }

    private static func describe(_ epilogue: LookupStep?) -> String {
        epilogue.map { " + lookup \($0.count)" } ?? ""
    }

    private static func describe(_ w: edge_window_params) -> String {
        "\(w.input_height)x\(w.input_width)x\(w.input_channels) -> \(w.output_height)x\(w.output_width)x\(w.output_channels)"
            + " k\(w.kernel_height)x\(w.kernel_width) s\(w.stride_height)"
    }

    /// A full inference like `invoke(pixels:)` that also writes each step's wall time (ns) to
    /// `nanoseconds` (one entry per `stepDescriptions` line; the final float logits count in the last).
    /// For profiles: the clock reads are the only extra work.
    public func invokeProfiled(pixels: UnsafeBufferPointer<UInt8>,
                               nanoseconds: UnsafeMutableBufferPointer<UInt64>) throws(InterpreterError) {
        guard pixels.count == inputCount else { throw InterpreterError.inputSize(expected: inputCount, got: pixels.count) }
        guard nanoseconds.count == steps.count else {
            throw InterpreterError.outputSize(expected: steps.count, got: nanoseconds.count)
        }
        quantizeInput(pixels)
        let clock = ContinuousClock()
        for index in steps.indices {
            let start = clock.now
            runStep(index)
            if index == steps.count - 1 { computeFinalLogits() }
            let elapsed = start.duration(to: clock.now).components
            nanoseconds[index] = UInt64(elapsed.seconds) * 1_000_000_000 + UInt64(elapsed.attoseconds / 1_000_000_000)
        }
    }

    /// The input tensor from 8-bit pixels (the 256-entry table); wakes the workers first, so that
    /// their wake-up overlaps this loop.
    private func quantizeInput(_ pixels: UnsafeBufferPointer<UInt8>, image: Int = 0) {
        if image == 0 { pool?.prepare() }
        let slotInput = inputPointer + image * slotStride
        pixelCodes.withUnsafeBufferPointer { codes in
            switch inputType {
            case .int8:
                let input = slotInput.assumingMemoryBound(to: Int8.self)
                for index in 0..<inputCount { input[index] = Int8(truncatingIfNeeded: codes[Int(pixels[index])]) }
            case .int16:
                let input = slotInput.assumingMemoryBound(to: Int16.self)
                for index in 0..<inputCount { input[index] = Int16(truncatingIfNeeded: codes[Int(pixels[index])]) }
            }
        }
    }

    /// Step `index` on the images in `images` (their arena slots): split across the pool when it is
    /// worth it, else on the caller.
    private func runStep(_ index: Int, images: Range<Int> = 0..<1) {
        if let pool, runner.isParallel(index, images: images.count) {
            pool.run(job: (images.lowerBound * Self.imageRangeStride + images.upperBound) * Self.jobStride + index)
        } else {
            runner.run(index, images: images, part: 0, of: 1)
        }
    }

    /// The float logits from the final layer's int32 accumulators (models with `logitScales`).
    private func computeFinalLogits(image: Int = 0) {
        guard let f = finalLogits else { return }
        let input = f.input + image * slotStride, logits = f.logits.baseAddress! + image * Int(f.outputCount)
        if f.int16 {
            edge_s16_fully_connected_logits_ref(f.inputCount, f.outputCount, f.inputZeroPoint,
                                                input.assumingMemoryBound(to: Int16.self), f.filter, f.bias, f.scale, logits)
        } else {
            edge_s8_fully_connected_logits_ref(f.inputCount, f.outputCount, f.inputZeroPoint,
                                               input.assumingMemoryBound(to: Int8.self), f.filter, f.bias, f.scale, logits)
        }
    }

    /// Steps 0..<stepCount (all by default) on images 0..<images: the steps before `batchedSteps`
    /// image by image, then the batched ones step by step.
    private func execute(stepCount: Int? = nil, images: Int = 1) {
        let count = stepCount ?? steps.count
        let batched = batchedSteps(images: images)
        for image in 0..<images {
            for index in 0..<min(batched.lowerBound, count) { runStep(index, images: image..<image + 1) }
        }
        for index in batched.lowerBound..<count { runStep(index, images: 0..<images) }
        if count == steps.count {
            for image in 0..<images { computeFinalLogits(image: image) }
        }
    }

    /// Runs one step on a range of the arena's image slots, or part `part` of `parts` of that: the
    /// step's units (output rows, the fused lookup's rows with them; 64-element chunks for add and
    /// lookup; pixels for multiply; the whole output for fully connected) of
    /// image 0, then of image 1, ..., split into consecutive balanced ranges. Immutable after init,
    /// so the pool's threads share it.
    private final class StepRunner: @unchecked Sendable {
        let steps: [Step]
        let table: edge_kernel_table
        /// Work of step i on one image (multiply-accumulates, taps for pools, 4 x elements for add and
        /// multiply, 2 x elements for lookup).
        let work: [Int]
        /// Units of step i on one image (the smallest piece a part runs).
        let units: [Int]
        let threads: Int
        let minimumWork: Int
        /// Bytes from one image's arena slot to the next.
        let slotStride: Int
        /// Elements of an add or lookup unit: 64, so that no two threads write one cache line.
        static let elementChunk = 64

        init(steps: [Step], table: edge_kernel_table, threads: Int, minimumWork: Int, slotStride: Int) {
            self.steps = steps
            self.table = table
            self.threads = threads
            self.minimumWork = minimumWork
            self.slotStride = slotStride
            func windowWork(_ w: edge_window_params, reduction: Int) -> Int {
                Int(w.output_height) * Int(w.output_width) * Int(w.output_channels) * Int(w.kernel_height)
                    * Int(w.kernel_width) * reduction
            }
            work = steps.map { step in
                switch step {
                case .conv2D(let s): return windowWork(s.window, reduction: Int(s.window.input_channels))
                case .depthwiseConv2D(let s, _): return windowWork(s.window, reduction: 1)
                case .maxPool(let s), .averagePool(let s): return windowWork(s.window, reduction: 1)
                case .add(let s): return 4 * s.count
                case .lookup(let s): return 2 * s.count
                case .multiply(let s): return 4 * s.pixels * s.channels
                case .fullyConnected(let s, let inputCount): return Int(inputCount) * Int(s.window.output_channels)
                }
            }
            units = steps.map { step in
                switch step {
                case .conv2D(let s), .depthwiseConv2D(let s, _): return Int(s.window.output_height)
                case .maxPool(let s), .averagePool(let s): return Int(s.window.output_height)
                case .add(let s): return (s.count + Self.elementChunk - 1) / Self.elementChunk
                case .lookup(let s): return (s.count + Self.elementChunk - 1) / Self.elementChunk
                case .multiply(let s): return s.pixels
                case .fullyConnected: return 1
                }
            }
        }

        /// Whether step `index` on `images` images is worth splitting across the threads: enough work
        /// for a wake-up and a barrier, and at least one unit per thread. (One image: as before
        /// batches, a fully connected layer never splits.)
        func isParallel(_ index: Int, images: Int) -> Bool {
            threads > 1 && work[index] * images >= minimumWork && units[index] * images >= threads
        }

        /// Part `part` of `parts` of step `index` on the images in `images`.
        func run(_ index: Int, images: Range<Int>, part: Int, of parts: Int) {
            let perImage = units[index], total = perImage * images.count
            let begin = total * part / parts, end = total * (part + 1) / parts
            var unit = begin
            while unit < end {
                let image = unit / perImage
                let last = min(end, (image + 1) * perImage)
                run(index, image: images.lowerBound + image, units: unit - image * perImage, last - image * perImage)
                unit = last
            }
        }

        /// Units [begin, end) of step `index` on image `image` (its arena slot).
        private func run(_ index: Int, image: Int, units begin: Int, _ end: Int) {
            let slot = image * slotStride
            let (rowBegin, rowEnd) = (Int32(begin), Int32(end))
            switch steps[index] {
            case .conv2D(var s):
                let input = s.input.at(slot), output = s.output.at(slot)
                if s.int16 {
                    table.conv2d_s16!(&s.window, &s.requant, input.s16, s.filter, s.bias, s.packed, rowBegin, rowEnd, output.s16)
                } else {
                    table.conv2d!(&s.window, &s.requant, input.s8, s.filter, s.bias, s.packed, rowBegin, rowEnd, output.s8)
                }
                runEpilogue(s, slot: slot, rows: begin, end)
            case .depthwiseConv2D(var s, let depthMultiplier):
                let input = s.input.at(slot), output = s.output.at(slot)
                if s.int16 {
                    table.depthwise_conv2d_s16!(&s.window, depthMultiplier, &s.requant, input.s16, s.filter, s.bias,
                                                s.packed, rowBegin, rowEnd, output.s16)
                } else {
                    table.depthwise_conv2d!(&s.window, depthMultiplier, &s.requant, input.s8, s.filter, s.bias,
                                            s.packed, rowBegin, rowEnd, output.s8)
                }
                runEpilogue(s, slot: slot, rows: begin, end)
            case .fullyConnected(var s, let inputCount):
                let input = s.input.at(slot), output = s.output.at(slot)
                if s.int16 {
                    table.fully_connected_s16!(inputCount, s.window.output_channels, &s.requant, input.s16, s.filter,
                                               s.bias, s.packed, output.s16)
                } else {
                    table.fully_connected!(inputCount, s.window.output_channels, &s.requant, input.s8, s.filter,
                                           s.bias, s.packed, output.s8)
                }
            case .maxPool(var s):
                let input = s.input.at(slot), output = s.output.at(slot)
                if s.int16 {
                    table.max_pool_s16!(&s.window, s.activationMin, s.activationMax, input.s16, rowBegin, rowEnd, output.s16)
                } else {
                    table.max_pool!(&s.window, s.activationMin, s.activationMax, input.s8, rowBegin, rowEnd, output.s8)
                }
            case .averagePool(var s):
                let input = s.input.at(slot), output = s.output.at(slot)
                if s.int16 {
                    table.average_pool_s16!(&s.window, s.activationMin, s.activationMax, input.s16, rowBegin, rowEnd, output.s16)
                } else {
                    table.average_pool!(&s.window, s.activationMin, s.activationMax, input.s8, rowBegin, rowEnd, output.s8)
                }
            case .add(var s):
                let a = s.a.at(slot), b = s.b.at(slot), output = s.output.at(slot)
                let (first, count) = Self.elements(s.count, chunks: begin, end)
                guard count > 0 else { return }
                if s.int16 {
                    table.add_s16!(count, &s.params, a.s16 + first, b.s16 + first, output.s16 + first)
                } else {
                    table.add!(count, &s.params, a.s8 + first, b.s8 + first, output.s8 + first)
                }
            case .lookup(let s):
                let (first, count) = Self.elements(s.count, chunks: begin, end)
                lookup(s, slot: slot, first, count)
            case .multiply(var s):
                guard end > begin else { return }
                let a = s.a.at(slot), b = s.b.at(slot), output = s.output.at(slot)
                let offset = begin * s.channels, bOffset = begin * s.bPixelStride
                if s.int16 {
                    table.multiply_s16!(end - begin, s.channels, &s.params, a.s16 + offset, b.s16 + bOffset,
                                        s.bPixelStride, output.s16 + offset)
                } else {
                    table.multiply!(end - begin, s.channels, &s.params, a.s8 + offset, b.s8 + bOffset,
                                    s.bPixelStride, output.s8 + offset)
                }
            }
        }

        /// The first element and the element count of chunks [begin, end) of `count` elements.
        private static func elements(_ count: Int, chunks begin: Int, _ end: Int) -> (first: Int, count: Int) {
            let first = begin * elementChunk
            return (first, min(count, end * elementChunk) - first)
        }

        /// Elements [first, first + count) of a lookup on the image whose arena slot is `slot` bytes on.
        private func lookup(_ s: LookupStep, slot: Int, _ first: Int, _ count: Int) {
            guard count > 0 else { return }
            let input = s.input.at(slot), output = s.output.at(slot)
            if s.int16 {
                table.lookup_s16!(count, s.table.assumingMemoryBound(to: Int16.self), input.s16 + first,
                                  output.s16 + first)
            } else {
                table.lookup!(count, s.table.assumingMemoryBound(to: Int8.self), input.s8 + first,
                              output.s8 + first)
            }
        }

        /// A fused lookup on the output rows [begin, end) its conv has just written in the image's slot.
        private func runEpilogue(_ s: WeightedStep, slot: Int, rows begin: Int, _ end: Int) {
            guard let epilogue = s.epilogue else { return }
            let row = Int(s.window.output_width) * Int(s.window.output_channels)
            lookup(epilogue, slot: slot, begin * row, (end - begin) * row)
        }
    }

    /// An activation tensor in the arena, read as int8 or int16 by the step that owns it.
    private struct Activations {
        let bytes: UnsafeMutableRawPointer
        /// The same tensor in the arena slot `offset` bytes further on.
        func at(_ offset: Int) -> Activations { Activations(bytes: bytes + offset) }
        var s8: UnsafeMutablePointer<Int8> { bytes.assumingMemoryBound(to: Int8.self) }
        var s16: UnsafeMutablePointer<Int16> { bytes.assumingMemoryBound(to: Int16.self) }
    }

    private struct WeightedStep {
        var window: edge_window_params
        var requant: edge_requant_params
        let input: Activations
        let filter: UnsafePointer<Int8>
        let bias: UnsafePointer<Int32>
        let output: Activations
        /// int16 activations (the table's `_s16` ops).
        let int16: Bool
        /// The table's packed bytes for this layer (set once at init).
        var packed: UnsafeRawPointer? = nil
        /// A lookup reading this layer's output, run on each row range right after it (convs only).
        var epilogue: LookupStep? = nil
    }

    private struct FinalLogits {
        let inputCount: Int32
        let outputCount: Int32
        let inputZeroPoint: Int32
        let input: UnsafeRawPointer
        let int16: Bool
        let filter: UnsafePointer<Int8>
        let bias: UnsafePointer<Int32>
        let scale: UnsafePointer<Float>
        let logits: UnsafeMutableBufferPointer<Float>
    }

    private struct PoolStep {
        var window: edge_window_params
        let activationMin: Int32
        let activationMax: Int32
        let input: Activations
        let output: Activations
        let int16: Bool
    }

    private struct AddStep {
        let count: Int
        var params: edge_add_params
        let a: Activations
        let b: Activations
        let output: Activations
        let int16: Bool
    }

    private struct LookupStep {
        let count: Int
        /// int8 or int16 entries (the element type's `lookup` kernel).
        let table: UnsafeRawPointer
        let input: Activations
        let output: Activations
        let int16: Bool
    }

    private struct MultiplyStep {
        let pixels: Int
        let channels: Int
        var params: edge_multiply_params
        let a: Activations
        let b: Activations
        /// `channels` for a map of a's shape, 0 for a 1x1xC gate.
        let bPixelStride: Int
        let output: Activations
        let int16: Bool
    }

    private enum Step {
        case conv2D(WeightedStep)
        case depthwiseConv2D(WeightedStep, Int32)
        case fullyConnected(WeightedStep, Int32)
        case maxPool(PoolStep)
        case averagePool(PoolStep)
        case add(AddStep)
        case lookup(LookupStep)
        case multiply(MultiplyStep)

        mutating func setPacked(_ bytes: UnsafeMutableRawPointer) {
            switch self {
            case .conv2D(var s): s.packed = UnsafeRawPointer(bytes); self = .conv2D(s)
            case .depthwiseConv2D(var s, let m): s.packed = UnsafeRawPointer(bytes); self = .depthwiseConv2D(s, m)
            case .fullyConnected(var s, let n): s.packed = UnsafeRawPointer(bytes); self = .fullyConnected(s, n)
            case .maxPool, .averagePool, .add, .lookup, .multiply: break
            }
        }

        /// Conv and depthwise conv steps without one take a lookup epilogue.
        var acceptsEpilogue: Bool {
            switch self {
            case .conv2D(let s), .depthwiseConv2D(let s, _): return s.epilogue == nil
            default: return false
            }
        }

        mutating func setEpilogue(_ lookup: LookupStep) {
            switch self {
            case .conv2D(var s): s.epilogue = lookup; self = .conv2D(s)
            case .depthwiseConv2D(var s, let m): s.epilogue = lookup; self = .depthwiseConv2D(s, m)
            default: break
            }
        }
    }
}

public enum InterpreterError: Error, Equatable, CustomStringConvertible {
    case inputSize(expected: Int, got: Int)
    case outputSize(expected: Int, got: Int)
    /// `invoke(quantizedInput:)` on a model whose input tensor is not int8.
    case inputType(expected: ActivationType)
    /// `invoke(batch:count:)` with a count outside 1...batchCapacity.
    case batchSize(capacity: Int, got: Int)

    public var description: String {
        switch self {
        case .inputSize(let expected, let got): return "the model takes \(expected) input values, got \(got)"
        case .outputSize(let expected, let got): return "the model gives \(expected) scores, the buffer holds \(got)"
        case .inputType(let expected): return "the model's input tensor is \(expected); pass 8-bit pixels instead"
        case .batchSize(let capacity, let got): return "a batch of \(got) images; this interpreter takes 1 to \(capacity)"
        }
    }
}
