import EdgeModel
@testable import EdgeONNXImport
import EdgeGraph
import Foundation
import Testing

/// What PyTorch's exporters write around the layers: constant subgraphs evaluated at import,
/// explicit Pads absorbed by the next Conv or pool, ceil_mode pools, ReduceMean as global pooling.
@Suite struct ONNXExporterIntakeTests {
    typealias Factory = ONNXModelFactory

    func int64s(_ name: String, _ values: [Int64], dims: [Int64]? = nil) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        tensor.dims = dims ?? [Int64(values.count)]
        tensor.int64Data = values
        return tensor
    }

    func floatScalar(_ name: String, _ value: Float) -> Onnx_TensorProto {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.floatData = [value]
        return tensor
    }

    /// Runs `nodes` through the folder over `initializers` and returns the named constant's integers.
    func folded(_ nodes: [Onnx_NodeProto], _ initializers: [Onnx_TensorProto], _ name: String) throws -> ([Int], [Int]) {
        let data = try Factory.model(opset: 17, nodes: nodes + [Factory.node("Relu", ["x"], ["y"])], initializers: initializers)
        var translator = try ONNXGraphTranslator(model: Onnx_ModelProto(serializedBytes: data))
        for node in nodes {
            let wrapped = ONNXNode(node, opset: 17)
            #expect(translator.isFoldable(wrapped), "\(node.opType) on constants is foldable")
            try translator.fold(wrapped)
        }
        let constant = try #require(translator.constants[name])
        return (try constant.integers(), constant.dims)
    }

    /// The TorchScript exporter's pad arithmetic for F.pad(x, (0, 1, 0, 1)) on a 4-D tensor:
    /// ONNX wants [x1_begin, x2_begin, ..., x1_end, ...] where PyTorch lists (last-dim begin, end, ...).
    @Test func torchScriptPadArithmeticFolds() throws {
        let (values, dims) = try folded([
            Factory.node("ConstantOfShape", ["four"], ["zeros"]),
            Factory.node("Cast", ["zeros"], ["zeros64"], int: ["to": 7]),
            Factory.node("Concat", ["torchPads", "zeros64"], ["all"], int: ["axis": 0]),
            Factory.node("Reshape", ["all", "pairShape"], ["pairs"]),
            Factory.node("Slice", ["pairs", "start", "end", "axis0", "step"], ["reversed"]),
            Factory.node("Transpose", ["reversed"], ["columns"], ints: ["perm": [1, 0]]),
            Factory.node("Reshape", ["columns", "flat"], ["onnxPads"]),
        ], [
            int64s("four", [4]), int64s("torchPads", [0, 1, 0, 1]), int64s("pairShape", [-1, 2]),
            int64s("start", [-1]), int64s("end", [Int64.min + 1]), int64s("axis0", [0]), int64s("step", [-1]),
            int64s("flat", [-1]),
        ], "onnxPads")
        #expect(values == [0, 0, 0, 0, 0, 0, 1, 1])
        #expect(dims == [8])
    }

    @Test func gatherRangeExpandWhereAndIntegerDivisionFold() throws {
        let matrix = int64s("matrix", [1, 2, 3, 4, 5, 6], dims: [2, 3])
        let (gathered, gatheredDims) = try folded(
            [Factory.node("Gather", ["matrix", "columns"], ["g"], int: ["axis": 1])],
            [matrix, int64s("columns", [2, 0])], "g")
        #expect(gathered == [3, 1, 6, 4] && gatheredDims == [2, 2])
        let (range, _) = try folded(
            [Factory.node("Range", ["a", "b", "d"], ["r"]), Factory.node("Div", ["r", "two"], ["q"])],
            [int64s("a", [5], dims: []), int64s("b", [-3], dims: []), int64s("d", [-3], dims: []), int64s("two", [2], dims: [])], "q")
        #expect(range == [2, 1, 0], "Range(5, -3, -3) = [5, 2, -1]; integer Div truncates toward zero")
        let (expanded, expandedDims) = try folded(
            [Factory.node("Expand", ["row", "shape"], ["e"]),
             Factory.node("Equal", ["e", "row"], ["mask"]),
             Factory.node("Where", ["mask", "e", "row"], ["w"])],
            [int64s("row", [7, 8, 9], dims: [1, 3]), int64s("shape", [2, 1])], "w")
        #expect(expanded == [7, 8, 9, 7, 8, 9] && expandedDims == [2, 3])
    }

    // MARK: Pad, ceil_mode, ReduceMean

    func importGraph(_ nodes: [Onnx_NodeProto], _ initializers: [Onnx_TensorProto], opset: Int64 = 17,
                     inputDims: [Int64] = [1, 4, 6, 6]) throws -> Graph {
        try ONNXImporter.load(
            data: Factory.model(opset: opset, inputDims: inputDims, nodes: nodes, initializers: initializers),
            name: "model.onnx", options: .init(optimize: false))
    }

    func importError(_ nodes: [Onnx_NodeProto], _ initializers: [Onnx_TensorProto], opset: Int64 = 17) -> ONNXImportError? {
        do {
            _ = try importGraph(nodes, initializers, opset: opset)
            return nil
        } catch let error as ONNXImportError {
            return error
        } catch {
            return nil
        }
    }

    func windows(_ graph: Graph) -> [Window] {
        graph.nodes.compactMap { node in
            switch node.operation {
            case .maxPool(let window), .averagePool(let window): window
            case .conv2D(let conv): conv.window
            case .depthwiseConv2D(let conv): conv.window
            default: nil
            }
        }
    }

    @Test func negativeInfinityPadFoldsIntoMaxPool() throws {
        let graph = try importGraph([
            Factory.node("Pad", ["x", "pads", "minusInf"], ["p"]),
            Factory.node("MaxPool", ["p"], ["y"], ints: ["kernel_shape": [3, 3], "strides": [2, 2]]),
        ], [int64s("pads", [0, 0, 0, 0, 0, 0, 1, 1]), floatScalar("minusInf", -.infinity)])
        #expect(graph.nodes.map(\.operation.kind) == ["input", "max_pool"])
        #expect(windows(graph).first?.padding == Padding(top: 0, left: 0, bottom: 1, right: 1))
        #expect(graph.nodes.last?.outputShape == TensorShape(height: 3, width: 3, channels: 4))
    }

    @Test func zeroPadFoldsIntoConvAndAddsToItsPads() throws {
        let graph = try importGraph([
            Factory.node("Pad", ["x", "pads"], ["p"]),
            Factory.node("Conv", ["p", "w"], ["y"], ints: ["pads": [1, 0, 0, 1]]),
        ], [int64s("pads", [0, 0, 2, 0, 0, 0, 0, 1]), Factory.floats("w", dims: [2, 4, 3, 3])])
        #expect(graph.nodes.map(\.operation.kind) == ["input", "conv2d"])
        #expect(windows(graph).first?.padding == Padding(top: 3, left: 0, bottom: 0, right: 2))
    }

    @Test func opset18PadAxesInputFolds() throws {
        let graph = try importGraph([
            Factory.node("Pad", ["x", "pads", "", "axes"], ["p"]),
            Factory.node("Conv", ["p", "w"], ["y"]),
        ], [int64s("pads", [1, 0, 1, 2]), int64s("axes", [2, 3]), Factory.floats("w", dims: [2, 4, 3, 3])], opset: 18)
        #expect(windows(graph).first?.padding == Padding(top: 1, left: 0, bottom: 1, right: 2))
    }

    @Test func padsThatWouldChangeTheFunctionAreRefused() throws {
        let zeroBeforeMax = importError([
            Factory.node("Pad", ["x", "pads"], ["p"], name: "pad0"),
            Factory.node("MaxPool", ["p"], ["y"], name: "pool", ints: ["kernel_shape": [3, 3]]),
        ], [int64s("pads", [0, 0, 1, 1, 0, 0, 1, 1])])
        #expect(zeroBeforeMax?.node == "pool")
        #expect(zeroBeforeMax?.message.contains("Pad 'pad0' with value 0.0") == true)
        #expect(zeroBeforeMax?.message.contains("-inf") == true)
        let infBeforeConv = importError([
            Factory.node("Pad", ["x", "pads", "minusInf"], ["p"]),
            Factory.node("Conv", ["p", "w"], ["y"], name: "conv"),
        ], [int64s("pads", [0, 0, 1, 1, 0, 0, 1, 1]), floatScalar("minusInf", -.infinity), Factory.floats("w", dims: [2, 4, 3, 3])])
        #expect(infBeforeConv?.message.contains("only a zero Pad folds into it") == true)
        let readByRelu = importError([
            Factory.node("Pad", ["x", "pads"], ["p"], name: "pad0"),
            Factory.node("Relu", ["p"], ["y"], name: "relu"),
        ], [int64s("pads", [0, 0, 1, 1, 0, 0, 1, 1])])
        #expect(readByRelu?.node == "relu")
        #expect(readByRelu?.message.contains("only directly before a Conv, MaxPool or AveragePool") == true)
        var reflect = Factory.node("Pad", ["x", "pads"], ["y"], name: "mirror")
        var mode = Onnx_AttributeProto()
        mode.name = "mode"
        mode.type = .string
        mode.s = Data("reflect".utf8)
        reflect.attribute.append(mode)
        let reflected = importError([reflect], [int64s("pads", [0, 0, 1, 1, 0, 0, 1, 1])])
        #expect(reflected?.message.contains("mode 'reflect' is not supported") == true)
        let channels = importError([
            Factory.node("Pad", ["x", "pads"], ["p"]),
            Factory.node("Conv", ["p", "w"], ["y"]),
        ], [int64s("pads", [0, 1, 0, 0, 0, 0, 0, 0]), Factory.floats("w", dims: [2, 5, 3, 3])])
        #expect(channels?.message.contains("channel axis") == true)
    }

    /// ceil_mode=1: 6 wide, kernel 3, stride 2 gives ceil(3/2) + 1 = 3 outputs, one end pixel of padding;
    /// kernel 2 stride 2 on 6 needs none.
    @Test func ceilModeBecomesEndPadding() throws {
        let graph = try importGraph([
            Factory.node("MaxPool", ["x"], ["m"], ints: ["kernel_shape": [3, 3], "strides": [2, 2]], int: ["ceil_mode": 1]),
            Factory.node("AveragePool", ["m"], ["y"], ints: ["kernel_shape": [2, 2], "strides": [1, 1]], int: ["ceil_mode": 1]),
        ], [])
        #expect(graph.nodes.map(\.operation.kind) == ["input", "max_pool", "average_pool"])
        #expect(windows(graph).map(\.padding) == [Padding(top: 0, left: 0, bottom: 1, right: 1), .valid])
        #expect(graph.nodes.last?.outputShape == TensorShape(height: 2, width: 2, channels: 4))
        // A window may not start in the end padding: 5 wide, kernel 2, stride 2, pads 1 -> 3, not 4.
        let bounded = try importGraph([
            Factory.node("MaxPool", ["x"], ["y"], ints: ["kernel_shape": [2, 2], "strides": [2, 2], "pads": [1, 1, 1, 1]], int: ["ceil_mode": 1]),
        ], [], inputDims: [1, 1, 5, 5])
        #expect(bounded.nodes.last?.outputShape == TensorShape(height: 3, width: 3, channels: 1))
    }

    @Test func ceilModeAverageCountingPaddedZerosIsRefused() throws {
        let error = importError([
            Factory.node("AveragePool", ["x"], ["y"], name: "avg",
                         ints: ["kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]],
                         int: ["ceil_mode": 1, "count_include_pad": 1]),
        ], [])
        #expect(error?.node == "avg")
        #expect(error?.message.contains("ceil_mode=1 on an average pool that counts padded zeros") == true)
    }

    @Test(arguments: [(Int64(17), true), (17, false), (18, true), (18, false)])
    func reduceMeanOverHeightAndWidthIsGlobalPooling(opset: Int64, keep: Bool) throws {
        let axes = opset >= 18
            ? Factory.node("ReduceMean", ["x", "axes"], ["m"], int: ["keepdims": keep ? 1 : 0])
            : Factory.node("ReduceMean", ["x"], ["m"], ints: ["axes": [-1, -2]], int: ["keepdims": keep ? 1 : 0])
        let tail = keep ? [Factory.node("Flatten", ["m"], ["f"]), Factory.node("Gemm", ["f", "w"], ["y"], int: ["transB": 1])]
                        : [Factory.node("Gemm", ["m", "w"], ["y"], int: ["transB": 1])]
        let graph = try importGraph([axes] + tail, [int64s("axes", [2, 3]), Factory.floats("w", dims: [3, 4])], opset: opset)
        #expect(graph.nodes.map(\.operation.kind).contains("global_average_pool"))
        #expect(graph.nodes.last?.outputShape.elementCount == 3)
    }

    @Test func reduceMeanOverChannelsIsRefused() throws {
        let error = importError([Factory.node("ReduceMean", ["x"], ["y"], name: "mean", ints: ["axes": [1]])], [])
        #expect(error?.node == "mean")
        #expect(error?.message.contains("only the mean over height and width") == true)
    }

    // MARK: HardSwish, HardSigmoid, Sigmoid, Mul

    /// MobileNetV3's squeeze-and-excitation: the gate (HardSigmoid of a pooled vector) may come first
    /// or second in the Mul; the graph's multiply takes the map first. Then a same-shape Mul.
    @Test(arguments: [true, false]) func gateMulAndSameShapeMulImportAsMultiply(gateFirst: Bool) throws {
        let graph = try importGraph([
            Factory.node("HardSwish", ["x"], ["s"]),
            Factory.node("GlobalAveragePool", ["s"], ["p"]),
            Factory.node("HardSigmoid", ["p"], ["g"], float: ["alpha": 1.0 / 6]),
            Factory.node("Mul", gateFirst ? ["g", "s"] : ["s", "g"], ["m"]),
            Factory.node("Sigmoid", ["m"], ["e"]),
            Factory.node("Mul", ["e", "s"], ["y"]),
        ], [])
        #expect(graph.nodes.map(\.operation.kind) == [
            "input", "hard_swish", "global_average_pool", "hard_sigmoid", "multiply", "sigmoid", "multiply",
        ])
        #expect(graph.nodes[4].inputs == [1, 3], "map first, gate second")
        #expect(graph.nodes[3].operation == .pointwise(.hardSigmoid(alpha: 1.0 / 6, beta: 0.5)))
        // The float graph computes the ONNX definitions.
        let input = (0..<graph.inputShape.elementCount).map { Float($0 % 13) - 6 }
        let outputs = try FloatExecutor(graph: graph).runAll(input)
        let swish = input.map { $0 * min(max($0 / 6 + 0.5, 0), 1) }
        #expect(zip(outputs[1], swish).allSatisfy { abs($0 - $1) < 1e-6 })
        let channels = graph.inputShape.channels
        for i in [0, 5, 77] {
            let gate = min(max(outputs[2][i % channels] / 6 + 0.5, 0), 1)
            let product = swish[i] * gate
            let expected = 1 / (1 + exp(-product)) * swish[i]
            #expect(abs(outputs[6][i] - expected) < 1e-5)
        }
    }

    @Test func mulsTheRuntimeCannotRunAreRefused() throws {
        let constant = importError([Factory.node("Mul", ["x", "c"], ["y"], name: "scale")], [Factory.floats("c", dims: [1])])
        #expect(constant?.node == "scale")
        #expect(constant?.message.contains("multiplies an activation by a constant") == true)
        let mismatched = importError([
            Factory.node("GlobalAveragePool", ["x"], ["p"]),
            Factory.node("Conv", ["p", "w"], ["g"]),
            Factory.node("Mul", ["x", "g"], ["y"], name: "gate"),
        ], [Factory.floats("w", dims: [3, 4, 1, 1])])
        #expect(mismatched?.node == "gate")
        #expect(mismatched?.message.contains("multiplies [1, 4, 6, 6] by [1, 3, 1, 1]") == true)
    }

    // MARK: Input and labels

    /// A 3-channel model fed gray: the 1-channel graph on g equals the 3-channel one on (g, g, g),
    /// also with per-channel std (and the provenance says so).
    @Test(arguments: [nil, ONNXImporter.Normalization(mean: [0.5], std: [0.2, 0.25, 0.3])])
    func grayInputIsFoldedIntoTheFirstConv(normalization: ONNXImporter.Normalization?) throws {
        let path = ONNXFixtures.path("ops-opset13.onnx")
        let color = try ONNXImporter.load(path: path, options: .init(normalization: normalization.map { _ in
            ONNXImporter.Normalization(mean: [0.5], std: [0.25]) }))
        let gray = try ONNXImporter.load(path: path, options: .init(normalization: normalization, grayInput: true))
        #expect(color.inputShape.channels == 3 && gray.inputShape.channels == 1)
        #expect(gray.provenance.contains("gray input fed to all 3 channels"))
        let colorExecutor = try FloatExecutor(graph: color), grayExecutor = try FloatExecutor(graph: gray)
        let pixels = (0..<gray.inputShape.elementCount).map { Float(($0 * 37) % 256) }
        let g = pixels.map { $0 * gray.preprocessing.scale + gray.preprocessing.offset }
        // The color graph's input per channel c: (pixel / 255 - mean) / std_c.
        let std = normalization?.std ?? [1, 1, 1]
        let rgb = pixels.flatMap { p in (0..<3).map { c in
            normalization == nil ? p * color.preprocessing.scale + color.preprocessing.offset : (p / 255 - 0.5) / std[c]
        } }
        let grayOutput = grayExecutor.run(g), colorOutput = colorExecutor.run(rgb)
        let difference = zip(grayOutput, colorOutput).map { abs($0 - $1) }.max() ?? .infinity
        if normalization == nil {
            #expect(difference < 1e-4, "max |gray - color| = \(difference)")
        } else {
            // The color graph was built with std 0.25 everywhere; only check the gray one runs to finite values.
            #expect(grayOutput.allSatisfy { $0.isFinite })
        }
    }

    @Test func differentMeansBeforeAPaddedConvAreRefused() throws {
        let options = ONNXImporter.Options(normalization: .init(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]), grayInput: true)
        do {
            _ = try ONNXImporter.load(path: ONNXFixtures.path("ops-opset13.onnx"), options: options)
            Issue.record("different means before a padded conv were accepted")
        } catch {
            #expect(error.message.contains("different means and this first conv pads"))
        }
    }

    @Test func labelsComeFromOptionsThenMetadataAndMustMatchTheOutputs() throws {
        var model = try Onnx_ModelProto(serializedBytes: ONNXFixtures.data("nchw-input-opset17.onnx"))
        var property = Onnx_StringStringEntryProto()
        property.key = "labels"
        property.value = "a, b,c,d,e,f"
        model.metadataProps = [property]
        let data = try model.serializedData()
        let fromMetadata = try ONNXImporter.load(data: data, name: "m.onnx").labels
        #expect(fromMetadata == ["a", "b", "c", "d", "e", "f"])
        let given = try ONNXImporter.load(data: data, name: "m.onnx", options: .init(labels: ["1", "2", "3", "4", "5", "6"])).labels
        #expect(given.first == "1")
        do {
            _ = try ONNXImporter.load(data: data, name: "m.onnx", options: .init(labels: ["x", "y"]))
            Issue.record("two labels for six outputs were accepted")
        } catch {
            #expect(error.message.contains("has 6 outputs but 2 labels"))
        }
    }

    // MARK: Real exports

    /// The shipped model ported to PyTorch imports through both exporters into the layers the
    /// Keras model has: no Pad or shape arithmetic left, SAME pools (an explicit -inf Pad or
    /// ceil_mode=True) as (0, 1) padding.
    @Test(arguments: ["fer-torch-script-opset17", "fer-torch-dynamo-opset18", "fer-torch-ceil-script-opset17"])
    func ferPortImportsLikeTheKerasModel(model: String) throws {
        let torch = try ONNXImporter.load(path: ONNXFixtures.path("\(model).onnx"))
        let keras = try ONNXImporter.load(path: ONNXFixtures.path("fer-tf2onnx.onnx"))
        #expect(torch.nodes.map(\.operation.kind).sorted() == keras.nodes.map(\.operation.kind).sorted())
        #expect(torch.labels == ONNXImporter.Options.fer2013Labels)
        let pools = torch.nodes.compactMap { node -> Padding? in
            if case .maxPool(let window) = node.operation { return window.padding } else { return nil }
        }
        let even = Padding(top: 0, left: 0, bottom: 1, right: 1), odd = Padding(top: 1, left: 1, bottom: 1, right: 1)
        #expect(pools == [even, even, odd, even])
    }
}
