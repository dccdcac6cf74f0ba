/// One input and the output it becomes.
struct FileJob: Equatable {
    let input: String
    let output: String
}

/// The inputs and outputs of `caec encode` and `caec decode`, which take `IN OUT`, `IN -o OUT`, or `IN... -o DIR`.
enum FileJobs {
    /// The jobs named by the positional `files` and `-o output`.
    ///
    /// Without `-o`, `files` must be exactly an input and an output. With `-o`, every file is an input; `-o` is the
    /// output file of a single input, or a folder (an existing one, or a name ending in `/`; always for several
    /// inputs) in which each output is named after its input with its extension replaced by `outputExtension`.
    ///
    /// - Throws: `.usage` for a wrong count, standard input or output in folder mode, or two inputs that would
    ///   write the same output; `.cannotCreateOutput` for an output folder that does not exist (a name ending in
    ///   `/` is created when its parent exists).
    static func resolve(files: [String], output: String?, outputExtension: String, command: String) throws(CLIFailure)
        -> [FileJob]
    {
        guard let output else {
            guard files.count == 2 else {
                throw CLIFailure(
                    .usage, path: nil,
                    files.count < 2
                        ? "give an input and an output: caec \(command) IN OUT, IN -o OUT or IN... -o DIR"
                        : "\(files.count) files given: with several inputs, name the output folder with -o DIR")
            }
            return [FileJob(input: files[0], output: files[1])]
        }
        guard !files.isEmpty else { throw CLIFailure(.usage, path: nil, "give at least one input") }
        let isFolder = output.hasSuffix("/") || isDirectory(output)
        guard isFolder || files.count > 1 else { return [FileJob(input: files[0], output: output)] }
        guard output != "-" else {
            throw CLIFailure(.usage, path: nil, "several inputs cannot all be written to standard output")
        }
        let folderExists = isDirectory(output)
        if !folderExists && !output.hasSuffix("/") {
            let problem =
                POSIX.exists(output)
                ? "is a file, not a folder: several inputs need an output folder"
                : "output folder does not exist (with -o, every other file is an input: \(files.count) inputs need an "
                    + "existing folder or a name ending in /)"
            throw CLIFailure(.cannotCreateOutput, path: output, problem)
        }
        var jobs: [FileJob] = []
        var inputOf: [String: String] = [:]
        for input in files {
            guard input != "-" else {
                throw CLIFailure(
                    .usage, path: nil, "standard input has no name to name its output after: give -o FILE for it")
            }
            let target = join(output, outputName(input, extension: outputExtension))
            if let earlier = inputOf[target] {
                throw CLIFailure(.usage, path: nil, "'\(earlier)' and '\(input)' would both be written to '\(target)'")
            }
            inputOf[target] = input
            jobs.append(FileJob(input: input, output: target))
        }
        // A name ending in / asks for a folder: make it (its parent must exist), as `mkdir` would; only once the
        // jobs are known to be valid, so that a refused command leaves nothing behind.
        if !folderExists, let reason = POSIX.makeDirectory(output, mode: 0o777) {
            throw CLIFailure(.cannotCreateOutput, path: output, "cannot create the output folder: \(reason)")
        }
        return jobs
    }

    /// `photo.png` -> `photo.cae`: the input's file name with its last extension replaced (or added, for a name
    /// without one or a name that starts with its only dot).
    static func outputName(_ input: String, extension ext: String) -> String {
        let name = input.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? input
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name + "." + ext }
        return String(name[..<dot]) + "." + ext
    }

    /// Runs `body` on each job in order. A failure is printed as its one line and the next job runs; the result is
    /// the first failure's exit status, or 0 when every job succeeded.
    static func runEach(_ jobs: [FileJob], _ body: (FileJob) throws(CLIFailure) -> Void) -> Int32 {
        var first: Int32 = 0
        for job in jobs {
            do { try body(job) } catch {
                printError(error.message)
                if first == 0 { first = error.exitStatus }
            }
        }
        return first
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    private static func isDirectory(_ path: String) -> Bool { POSIX.isDirectory(path) }
}
