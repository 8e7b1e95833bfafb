import ArgumentParser

@main
struct EdgeRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-run",
        abstract: "See faces through the camera and react to their emotions.")
}
