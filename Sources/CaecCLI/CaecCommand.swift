import ArgumentParser

@main
struct CaecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caec",
        abstract: "A learned image codec: convolutional autoencoders as a real codec."
    )
}
