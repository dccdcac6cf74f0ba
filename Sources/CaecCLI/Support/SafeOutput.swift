#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a finished output atomically: a temp file beside the target, fsync, then `link` (refusing to replace an
/// existing file) or `rename` (with `--force`), then fsync of the directory.
///
/// On any failure the temp file is removed, no output appears and an existing output keeps its bytes. A replaced
/// file keeps its permission bits. `-` writes to standard output, refused when that is a terminal and the data is
/// binary.
struct SafeOutput {
    let path: String
    let force: Bool

    /// Fails early, before any work, if the output could not be written: its directory is missing, not a directory
    /// or not writable, it exists (without `force`), it is the same file as one of `inputs`, or it is a directory.
    func checkWritable(inputs: [String]) throws(CLIFailure) {
        guard path != "-" else {
            if isatty(STDOUT_FILENO) == 1 {
                throw CLIFailure(
                    .usage, path: path, "refusing to write binary data to a terminal; redirect standard output")
            }
            return
        }
        try checkDirectory()
        var target = stat()
        guard stat(path, &target) == 0 else { return }
        for input in inputs where input != "-" {
            var source = stat()
            if stat(input, &source) == 0 && source.st_dev == target.st_dev && source.st_ino == target.st_ino {
                throw CLIFailure(.cannotCreateOutput, path: path, "output is the same file as the input")
            }
        }
        if (target.st_mode & S_IFMT) == S_IFDIR {
            throw CLIFailure(.cannotCreateOutput, path: path, "is a directory")
        }
        if !force {
            throw CLIFailure(.cannotCreateOutput, path: path, "output exists (use --force to overwrite)")
        }
    }

    /// The output's directory exists, is a directory and can be written to (the temp file goes there).
    private func checkDirectory() throws(CLIFailure) {
        let directory = Self.directory(of: path)
        var info = stat()
        guard stat(directory, &info) == 0 else {
            let code = errno
            if code == ENOENT {
                throw CLIFailure(.cannotCreateOutput, path: path, "output directory '\(directory)' does not exist")
            }
            throw CLIFailure(
                .cannotCreateOutput, path: path, "cannot use output directory '\(directory)': \(describe(code))")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw CLIFailure(.cannotCreateOutput, path: path, "'\(directory)' is not a directory")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw CLIFailure(
                .cannotCreateOutput, path: path, "cannot write to output directory '\(directory)': \(describe(errno))")
        }
    }

    /// Writes `bytes` to the output; see the type's discussion for the guarantees.
    func write(_ bytes: [UInt8], inputs: [String]) throws(CLIFailure) {
        try checkWritable(inputs: inputs)
        if path == "-" {
            try writeAll(fd: STDOUT_FILENO, bytes: bytes, path: path)
            return
        }
        let directory = Self.directory(of: path)
        let base = path.split(separator: "/").last.map(String.init) ?? path
        var temp = ""
        var fd: Int32 = -1
        for attempt in 0..<100 {
            temp = "\(directory)/.\(base).caec-\(getpid())-\(attempt).tmp"
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else {
            throw CLIFailure(.cannotCreateOutput, path: path, "cannot create output: \(describe(errno))")
        }
        TempFileRegistry.track(temp)
        defer { TempFileRegistry.untrack() }
        do throws(CLIFailure) {
            // A replaced file keeps its permission bits (the temp file was created 0644 less the umask).
            var existing = stat()
            if force && stat(path, &existing) == 0 && fchmod(fd, existing.st_mode & 0o777) != 0 {
                throw CLIFailure(.io, path: path, "cannot set the output's permissions: \(describe(errno))")
            }
            try writeAll(fd: fd, bytes: bytes, path: path)
            if fsync(fd) != 0 { throw CLIFailure(.io, path: path, "fsync failed: \(describe(errno))") }
            if close(fd) != 0 {
                fd = -1
                throw CLIFailure(.io, path: path, "close failed: \(describe(errno))")
            }
            fd = -1
            if force {
                if rename(temp, path) != 0 {
                    throw CLIFailure(.cannotCreateOutput, path: path, "cannot replace output: \(describe(errno))")
                }
            } else {
                if link(temp, path) != 0 {
                    let code = errno
                    if code == EEXIST {
                        throw CLIFailure(.cannotCreateOutput, path: path, "output exists (use --force to overwrite)")
                    }
                    throw CLIFailure(.cannotCreateOutput, path: path, "cannot create output: \(describe(code))")
                }
                unlink(temp)
            }
        } catch {
            if fd >= 0 { close(fd) }
            unlink(temp)
            throw error
        }
        Self.syncDirectory(directory)
    }

    private func writeAll(fd: Int32, bytes: [UInt8], path: String) throws(CLIFailure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIFailure(.io, path: path, "write failed: \(describe(errno))")
            }
            offset += n
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}

/// The temp file being written, removed by the signal handler if the user interrupts caec mid-write.
enum TempFileRegistry {
    nonisolated(unsafe) private static var pathBuffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    nonisolated(unsafe) private static var active: Int32 = 0

    /// Records the temp file that exists from now on, for the signal handler.
    static func track(_ path: String) {
        active = 0
        let utf8 = Array(path.utf8CString.prefix(pathBuffer.count))
        for (i, c) in utf8.enumerated() { pathBuffer[i] = c }
        pathBuffer[pathBuffer.count - 1] = 0
        active = 1
    }

    /// Forgets the temp file once it has been renamed, linked or removed.
    static func untrack() { active = 0 }

    /// Ignores SIGXFSZ (so a file-size limit becomes a write error that is cleaned up, not a kill) and removes the
    /// temp file on SIGINT/SIGTERM/SIGHUP before exiting.
    static func installHandlers() {
        signal(SIGXFSZ, SIG_IGN)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { received in
                TempFileRegistry.removeFromSignalHandler()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    private static func removeFromSignalHandler() {
        if active != 0 { pathBuffer.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) } }
    }
}
