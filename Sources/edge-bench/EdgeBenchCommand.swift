import ArgumentParser

@main
struct EdgeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-bench",
        abstract: "Timing drivers behind tools/bench-*: run the project's stages on given inputs and print timings.",
        subcommands: [
            HaarBenchCommand.self,
            HaarAgreementCommand.self,
            HaarDetectCommand.self,
            CNNBenchCommand.self,
            AugmentationBenchCommand.self,
            FrameBenchCommand.self,
            TrackBenchCommand.self,
            TrackClipCommand.self,
        ])
}
