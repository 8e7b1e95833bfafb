import ArgumentParser

@main
struct EdgeQuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-quantize",
        abstract: "Turn trained models and face cascades into the board's int8 and fixed-point files.",
        subcommands: [
            ConvertCommand.self,
            EvaluateCommand.self,
            InspectCommand.self,
            CascadeCommand.self,
        ])
}
