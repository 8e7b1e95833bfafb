import EdgeGraph
import EdgeModel
import Foundation
import SwiftProtobuf

/// Reads an ONNX model (a serialized `onnx.ModelProto`, opsets 9-21 of the default domain) into
/// the float `Graph`, converting ONNX's NCHW tensors to the graph's HWC layout.
///
/// Supported ops: Conv (group 1 or depthwise, any multiplier), Gemm, MatMul (+ Add of a constant),
/// BatchNormalization, Relu, Clip (as ReLU or ReLU6), MaxPool, AveragePool, GlobalAveragePool, Add,
/// Flatten, Reshape (to a vector, or tf2onnx's NHWC<->NCHW of a 1-channel input), Squeeze and
/// Unsqueeze of size-1 axes, Softmax, Dropout, Identity, Constant, Transpose between NHWC and NCHW,
/// Pad (absorbed by the Conv or pool after it), ReduceMean over H and W, and any node of
/// `ONNXGraphTranslator.foldableOps` whose inputs are all constants (evaluated at import: the shape
/// and padding arithmetic PyTorch's exporters write).
public enum ONNXImporter {
    /// What an ONNX file does not say; the same fields and defaults as `KerasImportOptions`.
    public struct Options: Sendable, Equatable {
        /// 8-bit pixel to model input; default `fer`'s (x / 255 - 0.5) * 2.
        public var preprocessing: Preprocessing
        /// PyTorch's `Normalize(mean, std)` on pixels scaled to [0, 1]; replaces `preprocessing`.
        public var normalization: Normalization?
        /// Feed the runtime's gray image to every channel of a multi-channel input, folded into the
        /// first conv (`InputAdaptation`); false keeps the input's channels.
        public var grayInput: Bool
        /// Class names in output order; nil: the model's `labels` metadata property (comma-separated),
        /// else FER2013's seven emotions when the model has 7 outputs, else none.
        public var labels: [String]?
        /// Run `GraphOptimizer` (batch-norm folding, activation fusion) on the imported graph;
        /// false keeps one graph node per ONNX node that computes something.
        public var optimize: Bool

        public init(
            preprocessing: Preprocessing = .symmetricUnit, normalization: Normalization? = nil, grayInput: Bool = false,
            labels: [String]? = nil, optimize: Bool = true
        ) {
            self.preprocessing = preprocessing
            self.normalization = normalization
            self.grayInput = grayInput
            self.labels = labels
            self.optimize = optimize
        }

        /// FER2013's class order.
        public static let fer2013Labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
    }

    /// PyTorch's `transforms.Normalize(mean, std)` after `ToTensor()` (pixels / 255): one value for
    /// every channel, or one per input channel.
    public struct Normalization: Sendable, Equatable {
        public var mean: [Float]
        public var std: [Float]

        public init(mean: [Float], std: [Float]) {
            self.mean = mean
            self.std = std
        }
    }

    /// The metadata_props key holding the class names, comma-separated in output order.
    public static let labelsMetadataKey = "labels"

    /// The opsets of the default domain this importer understands.
    public static let supportedOpsets = 9...21

    public static func load(path: String, options: Options = Options()) throws(ONNXImportError) -> Graph {
        let fileName = URL(fileURLWithPath: path).lastPathComponent
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw ONNXImportError(file: path, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try load(data: bytes, name: fileName, options: options)
    }

    /// Decodes `data` as a serialized ModelProto; `name` is used in messages and the provenance.
    public static func load(data: Data, name: String, options: Options = Options()) throws(ONNXImportError) -> Graph {
        let model = try decode(data, name: name)
        do {
            var translator = try ONNXGraphTranslator(model: model)
            var translated = try translator.translate()
            let input = try InputAdaptation.apply(
                to: &translated, preprocessing: options.preprocessing, normalization: options.normalization,
                grayInput: options.grayInput)
            let outputs = translated.nodes[translated.output].outputShape.elementCount
            let fromMetadata = try metadataLabels(model)
            let labels = options.labels ?? fromMetadata ?? (outputs == Options.fer2013Labels.count ? Options.fer2013Labels : [])
            guard labels.isEmpty || labels.count == outputs else {
                throw TranslationError("has \(outputs) outputs but \(labels.count) labels (\(labels.joined(separator: ","))); give one label per output")
            }
            var provenance = provenance(model, name: name, opset: translator.opset, bytes: data)
            if let note = input.note { provenance += "; \(note)" }
            let graph = try translated.build(preprocessing: input.preprocessing, labels: labels, provenance: provenance)
            return options.optimize ? try GraphOptimizer.optimize(graph) : graph
        } catch let error as TranslationError {
            throw ONNXImportError(file: name, node: error.node, message: error.message)
        } catch let error as GraphError {
            throw ONNXImportError(file: name, node: error.node, message: error.message)
        } catch {
            throw ONNXImportError(file: name, message: "\(error)")
        }
    }

    /// True when `data` starts like a serialized ModelProto: field 1 (ir_version) as a varint,
    /// which every ONNX writer emits first. A cheap sniff for choosing an importer, not a check.
    public static func looksLikeONNX(_ prefix: some Collection<UInt8>) -> Bool {
        prefix.first == 0x08
    }

    /// The class names in the model's `labels` metadata property, if it has one.
    static func metadataLabels(_ model: Onnx_ModelProto) throws(TranslationError) -> [String]? {
        guard let property = model.metadataProps.first(where: { $0.key == labelsMetadataKey }) else { return nil }
        let labels = property.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !labels.isEmpty, labels.allSatisfy({ !$0.isEmpty }) else {
            throw TranslationError("metadata property '\(labelsMetadataKey)' = '\(property.value)' is not a comma-separated list of class names")
        }
        return labels
    }

    private static func decode(_ data: Data, name: String) throws(ONNXImportError) -> Onnx_ModelProto {
        let notONNX = "is not an ONNX model (expected a serialized onnx.ModelProto, as torch.onnx.export or tf2onnx write)"
        guard !data.isEmpty else { throw ONNXImportError(file: name, message: "is empty: \(notONNX)") }
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw ONNXImportError(file: name, message: "\(notONNX); protobuf decoding failed: \(error)")
        }
        guard model.hasIrVersion, model.hasGraph, !model.graph.node.isEmpty else {
            throw ONNXImportError(file: name, message: "\(notONNX); it decodes but has no ir_version or no graph nodes")
        }
        return model
    }

    private static func provenance(_ model: Onnx_ModelProto, name: String, opset: Int, bytes: Data) -> String {
        var producer = model.producerName.isEmpty ? "unknown producer" : model.producerName
        if !model.producerVersion.isEmpty { producer += " \(model.producerVersion)" }
        return "\(name) (ONNX opset \(opset), ir_version \(model.irVersion), \(producer), sha256 \(SHA256.hexDigest([UInt8](bytes))))"
    }
}
