import ArgumentParser
import Caec
import CaecEval
import CaecTensor

@main
struct CaecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caec",
        abstract: "A learned image codec: rate-distortion-trained neural networks, a versioned format, integer rANS.",
        discussion: """
            Exit status: 0 success, 64 usage error, 65 invalid input data, 66 input missing or unreadable, \
            70 internal error, 73 output exists / is the input / cannot be created, 74 I/O error, \
            78 model weights missing or corrupt.
            """,
        version: CaecVersion.text,
        subcommands: [
            EncodeCommand.self, DecodeCommand.self, InfoCommand.self, ModelsCommand.self, ConvertCommand.self,
            ImportCommand.self, ExportCommand.self,
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
            // Usage errors (unknown options, missing arguments, ValidationError) as one line, exit 64; help,
            // --version and the exit codes of commands that printed their own error go through argument-parser.
            if !(error is ExitCode), exitCode(for: error) == .validationFailure, let line = usageLine(for: error) {
                printError(line)
                exit(withError: ExitCode.validationFailure)
            }
            exit(withError: error)
        }
    }

    /// `caec: error: <reason> (see 'caec <command> --help')` for a usage error, or nil when argument-parser has
    /// no message for it (then its own text, such as the help screen, is shown).
    static func usageLine(for error: Error) -> String? {
        let lines = message(for: error).split(separator: "\n").map { line in
            line.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
        }
        let reason = lines.filter { !$0.isEmpty }.map { String($0) }.joined(separator: "; ")
        guard !reason.isEmpty else { return nil }
        var line = "caec: error: " + lowercasedFirstWord(reason)
        // argument-parser's full message ends with "See 'caec encode --help' for more information."
        let full = fullMessage(for: error, columns: nil)
        if let see = full.split(separator: "\n").first(where: { $0.contains("See '") }),
            let start = see.firstIndex(of: "'"), let end = see[see.index(after: start)...].firstIndex(of: "'")
        {
            line += " (see '\(see[see.index(after: start)..<end])')"
        }
        return line
    }

    /// "Unknown option" -> "unknown option", but "PNG ..." stays: caec's messages start in lower case.
    private static func lowercasedFirstWord(_ text: String) -> String {
        let first = Array(text.prefix(2))
        guard first.count == 2, first[0].isUppercase, !first[1].isUppercase else { return text }
        return first[0].lowercased() + text.dropFirst()
    }
}

/// The version of the caec command-line tool.
enum CaecVersion {
    static let string = Caec.version

    /// What `caec --version` prints: caec's version, the image libraries', the models folder with the ids of the
    /// weights it holds, and the BLAS caec runs on.
    static var text: String {
        var lines = ["caec \(string)"]
        lines += LibraryVersions.all.map { "\($0.name) \($0.version)" }
        let directory = DataLocator.modelsDirectory(nil)
        let ids = (POSIX.listDirectory(directory) ?? []).filter { $0.hasSuffix(".caew") }.map {
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
