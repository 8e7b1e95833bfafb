import EdgeGraph
import EdgeModel

/// How the runtime's 8-bit gray pixel becomes an imported model's input: the preprocessing
/// (`Options.preprocessing`, or PyTorch's `Normalize(mean, std)` on [0, 1] pixels), and, for a model
/// with several input channels (an RGB-trained network), the gray value fed to every channel. The
/// channels are folded into the first convolution, which then reads one channel:
/// input_c = k_c * g + d_c with g the graph's input, so conv(input) sums w_c * k_c over c, and the
/// constant d_c terms go to the bias. That is exact where the conv reads the image; at its zero
/// padding it is exact only when every d_c is 0 (the same mean in every channel), so a padded first
/// conv with different means is refused.
struct InputAdaptation {
    var preprocessing: Preprocessing
    /// Said in the provenance (which `edge-quantize inspect` prints) when channels were folded.
    var note: String?

    static func apply(
        to graph: inout TranslatedGraph, preprocessing: Preprocessing, normalization: ONNXImporter.Normalization?,
        grayInput: Bool
    ) throws(TranslationError) -> InputAdaptation {
        let channels = graph.nodes[0].outputShape.channels
        let inputName = graph.inputName
        // Per channel: input_c = a_c * pixel + b_c.
        var a = [Float](repeating: preprocessing.scale, count: channels)
        var b = [Float](repeating: preprocessing.offset, count: channels)
        if let normalization {
            let (mean, std) = (normalization.mean, normalization.std)
            guard [mean.count, std.count].allSatisfy({ $0 == 1 || $0 == channels }) else {
                throw TranslationError(node: inputName, "--mean/--std give \(mean.count)/\(std.count) values for a \(channels)-channel input; give one value, or one per channel")
            }
            guard std.allSatisfy({ $0 > 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
                throw TranslationError(node: inputName, "--std values must be positive and --mean values finite")
            }
            for c in 0..<channels {
                let (m, s) = (mean.count == 1 ? mean[0] : mean[c], std.count == 1 ? std[0] : std[c])
                a[c] = 1 / (255 * s)
                b[c] = -m / s
            }
        }
        let graphPreprocessing = Preprocessing(scale: a[0], offset: b[0])
        guard grayInput else {
            guard Set(a).count == 1, Set(b).count == 1 else {
                throw TranslationError(node: inputName, "--mean/--std differ per channel; the graph's preprocessing is one scale and offset for every channel (per-channel values are folded into the first conv only for a gray input)")
            }
            return InputAdaptation(preprocessing: graphPreprocessing, note: nil)
        }
        guard channels > 1 else { return InputAdaptation(preprocessing: graphPreprocessing, note: nil) }

        let readers = graph.nodes.indices.filter { graph.nodes[$0].inputs.contains(0) }
        guard readers.count == 1, case .conv2D(var conv) = graph.nodes[readers[0]].operation else {
            throw TranslationError(node: inputName, "the model takes \(channels) input channels; the runtime feeds a gray image, which is folded into the first layer only when a single Conv (group 1) reads the input")
        }
        let first = readers[0]
        // g = a_0 * pixel + b_0, so input_c = k_c * g + d_c.
        let k = (0..<channels).map { a[$0] / a[0] }
        let d = (0..<channels).map { b[$0] - a[$0] * b[0] / a[0] }
        if d.contains(where: { abs($0) > 1e-6 }), conv.window.padding != .valid {
            throw TranslationError(node: graph.nodes[first].name, "the \(channels) input channels are normalized with different means and this first conv pads its input: feeding gray to every channel cannot reproduce the zero padding; use one --mean value (and any per-channel --std)")
        }
        let taps = conv.window.kernelHeight * conv.window.kernelWidth
        var weights = [Float](repeating: 0, count: conv.outputChannels * taps)
        for o in 0..<conv.outputChannels {
            for t in 0..<taps {
                for c in 0..<channels {
                    let w = conv.weights[(o * taps + t) * channels + c]
                    weights[o * taps + t] += w * k[c]
                    conv.bias[o] += w * d[c]
                }
            }
        }
        conv.weights = weights
        graph.nodes[first].operation = .conv2D(conv)
        graph.nodes[0].outputShape = TensorShape(
            height: graph.nodes[0].outputShape.height, width: graph.nodes[0].outputShape.width, channels: 1)
        return InputAdaptation(
            preprocessing: graphPreprocessing,
            note: "gray input fed to all \(channels) channels of the model's input (folded into the first conv '\(graph.nodes[first].name)')")
    }
}
