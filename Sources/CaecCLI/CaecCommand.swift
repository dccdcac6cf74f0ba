import ArgumentParser
import CaecEval
import CaecTensor

@main
struct CaecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caec",
        abstract: "A learned image codec: convolutional autoencoders as a real codec.",
        discussion: """
            Exit status: 0 success, 64 usage error, 65 invalid input data, 66 input missing or unreadable, \
            70 internal error, 73 output exists / is the input / cannot be created, 74 I/O error, \
            78 model weights missing or corrupt.
            """,
        version: CaecVersion.text,
        subcommands: [
            EncodeCommand.self, DecodeCommand.self, InfoCommand.self, ModelsCommand.self, ConvertCommand.self,
            CompareCommand.self, TrainCommand.self, CalibrateCommand.self, ExperimentCommand.self,
            BenchCommand.self,
        ]
    )

    static func main() {
        TempFileRegistry.installHandlers()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// The version of the caec command-line tool.
enum CaecVersion {
    static let string = "0.1.0"

    /// What `caec --version` prints: caec's version, the image libraries', the models folder with the ids of the
    /// weights it holds, and the BLAS caec runs on.
    static var text: String {
        var lines = ["caec \(string)"]
        lines += LibraryVersions.all.map { "\($0.name) \($0.version)" }
        let directory = DataLocator.modelsDirectory(nil)
        let ids = CompareRunCommand.listDirectory(directory).filter { $0.hasSuffix(".caew") }.map {
            String($0.dropLast(".caew".count))
        }.sorted()
        lines.append("models \(directory): " + (ids.isEmpty ? "none found" : ids.joined(separator: ", ")))
        lines.append(BLASBackend.current.summary)
        return lines.joined(separator: "\n")
    }
}

/// A subcommand whose failures are `CLIFailure`s: printed as one line on standard error, mapped to an exit status.
protocol FailableCommand: ParsableCommand {
    func execute() throws(CLIFailure)
}

extension FailableCommand {
    func run() throws {
        do {
            try execute()
        } catch {
            printError(error.message)
            throw ExitCode(error.exitStatus)
        }
    }
}
