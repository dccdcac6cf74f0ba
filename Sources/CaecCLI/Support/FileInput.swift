#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads whole input files (or standard input for `-`), mapping every failure to a one-line `CLIFailure`.
enum FileInput {
    /// Inputs larger than this are refused before reading (1 GiB): no image caec accepts needs more.
    static let maxBytes = 1 << 30

    /// The bytes of `path`, or of standard input when `path` is `-`.
    static func read(_ path: String) throws(CLIFailure) -> [UInt8] {
        if path == "-" { return try readAll(fd: STDIN_FILENO, path: path) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw openFailure(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CLIFailure(.io, path: path, describe(errno)) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw CLIFailure(.missingInput, path: path, "is a directory") }
        if (info.st_mode & S_IFMT) == S_IFREG && Int(info.st_size) > maxBytes {
            throw CLIFailure(.badInput, path: path, "file is \(info.st_size) bytes, over the 1 GiB input limit")
        }
        return try readAll(fd: fd, path: path)
    }

    private static func readAll(fd: Int32, path: String) throws(CLIFailure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EISDIR { throw CLIFailure(.missingInput, path: path, "is a directory") }
                throw CLIFailure(.io, path: path, "read failed: \(describe(errno))")
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxBytes { throw CLIFailure(.badInput, path: path, "input is over the 1 GiB limit") }
        }
    }

    private static func openFailure(path: String, errno code: Int32) -> CLIFailure {
        switch code {
        case ENOENT: CLIFailure(.missingInput, path: path, "no such file")
        case EACCES: CLIFailure(.missingInput, path: path, "permission denied")
        case ENOTDIR: CLIFailure(.missingInput, path: path, "a parent of this path is not a directory")
        default: CLIFailure(.missingInput, path: path, "cannot open: \(describe(code))")
        }
    }
}

/// The C library's text for an errno value, lowercased at the start to read as part of a sentence.
func describe(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    let message = String(cString: text)
    return message.prefix(1).lowercased() + message.dropFirst()
}
