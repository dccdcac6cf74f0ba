enum FileSystem {
    static func exists(_ path: String) -> Bool { POSIX.exists(path) }
}

/// A run or report folder, created (with parents) if missing.
enum RunDirectory {
    static func create(_ path: String) throws(CLIFailure) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if !POSIX.isDirectory(prefix), let reason = POSIX.makeDirectory(prefix) {
                throw CLIFailure(.cannotCreateOutput, path: prefix, "cannot create directory: \(reason)")
            }
            prefix += "/"
        }
    }
}

/// Rows of a CSV file, kept in memory and rewritten whole (atomically) by `flush()`.
struct CSVLog {
    let path: String
    private var lines: [String]

    /// Starts a log; with `append`, keeps the rows already in `path` (when resuming a run).
    init(path: String, header: String, append: Bool) throws(CLIFailure) {
        self.path = path
        if append && FileSystem.exists(path) {
            let text = String(decoding: try FileInput.read(path), as: UTF8.self)
            lines = text.split(separator: "\n").map(String.init)
        } else {
            lines = [header]
        }
    }

    mutating func append(_ row: String) { lines.append(row) }

    func flush() throws(CLIFailure) {
        try SafeOutput(path: path, force: true).write(Array((lines.joined(separator: "\n") + "\n").utf8), inputs: [])
    }
}
