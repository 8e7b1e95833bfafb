import ArgumentParser
import EdgeInference
import EdgeModel
import Foundation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Check an int8 model file and print what it holds.")

    @Argument(help: "The int8 model file (.edgemodel).")
    var file: String

    func run() throws {
        let model: QuantizedModel
        do {
            model = try ModelFile.load(path: file)
        } catch {
            throw CommandFailure(error)
        }
        let input = model.tensors[model.inputTensor]
        print("\(file): edge model format \(ModelFile.version(of: model)), checksum ok")
        print("provenance: \(model.provenance)")
        print("calibration: \(model.calibration)")
        print("rounding: \(model.roundingMode)")
        print("input: \(input.shape), pixel * \(model.preprocessing.scale) + \(model.preprocessing.offset), \(input.elementType) scale \(input.scale) zero point \(input.zeroPoint), encoding \(model.inputEncoding)")
        print("output: \(model.outputShape) then \(model.outputActivation) in float; labels: \(model.labels.joined(separator: ", "))")
        print("\(model.operations.count) operations, \(model.parameterCount) parameters, \(model.multiplyAccumulateCount) multiply-accumulates")
        let shared = ArenaPlan(model: model), separate = ArenaPlan(model: model, reuseMemory: false)
        print("activation arena: \(shared.byteCount) bytes (\(separate.byteCount) without buffer reuse)")
        let codes = model.largestCodes()
        for (index, operation) in model.operations.enumerated() {
            let output = model.tensors[operation.output]
            let inputs = operation.inputs.map { "#\($0)" }.joined(separator: " ")
            let kind = operation.kind.padding(toLength: 17, withPad: " ", startingAt: 0)
            print(String(format: "%3d ", index) + "\(kind) \(inputs) -> #\(operation.output) \(output.name) \(output.shape)"
                  + " \(QuantizedModel.precision(of: output.elementType, largestCode: codes[operation.output]))" + String(format: " scale %.6g zp %d", output.scale, output.zeroPoint))
        }
    }
}
