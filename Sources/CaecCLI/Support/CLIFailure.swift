/// An error the CLI reports as one line, `caec: error: <path>: <reason>`, with a sysexits-style status.
struct CLIFailure: Error, Equatable {
    /// What went wrong, which decides the exit status.
    enum Kind: Equatable {
        /// The command line is wrong (64).
        case usage
        /// The input's bytes are not a valid image or .cae file (65).
        case badInput
        /// The input is missing or cannot be read (66).
        case missingInput
        /// A bug or an unexpected library failure (70).
        case internalError
        /// The output exists, is the input, or cannot be created (73).
        case cannotCreateOutput
        /// Reading or writing failed part-way (74).
        case io
        /// Model weights are missing, corrupt or do not match (78).
        case model
    }

    let kind: Kind
    /// The file the message is about, if any (`-` for standard input/output).
    let path: String?
    let reason: String

    init(_ kind: Kind, path: String?, _ reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    /// The process exit status for this failure (see ../shared/STYLE.md, "Errors").
    var exitStatus: Int32 {
        switch kind {
        case .usage: 64
        case .badInput: 65
        case .missingInput: 66
        case .internalError: 70
        case .cannotCreateOutput: 73
        case .io: 74
        case .model: 78
        }
    }

    /// The single line printed on standard error.
    var message: String {
        if let path { "caec: error: \(path): \(reason)" } else { "caec: error: \(reason)" }
    }
}
