#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Every call of the CLI into the C library lives in this file (swift-png's System.swift does the same): reading
// inputs, writing outputs atomically, folders, the terminal, clocks, the environment and the allocator.

/// The CLI's calls into the C library that are not whole-file reading or writing.
enum POSIX {
    /// Processors online (at least 1).
    static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The value of environment variable `name`, nil when unset or empty.
    static func environment(_ name: String) -> String? {
        guard let value = getenv(name).map({ String(cString: $0) }), !value.isEmpty else { return nil }
        return value
    }

    /// `stat(2)` of `path` (following links), nil when it fails (`errno` says why).
    static func status(of path: String) -> stat? {
        var info = stat()
        return stat(path, &info) == 0 ? info : nil
    }

    /// Whether `path` exists (following links).
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// The device and inode of `path` (following links): equal for two names of one file or folder; nil when
    /// `stat` fails.
    static func identity(_ path: String) -> String? {
        status(of: path).map { "\($0.st_dev):\($0.st_ino)" }
    }

    /// Whether `path` is a folder (following links).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates folder `path` (not its parents) with permission bits `mode` (less the umask); an existing folder is
    /// fine. Returns nil, or why it failed.
    static func makeDirectory(_ path: String, mode: UInt32 = 0o755) -> String? {
        if mkdir(path, mode_t(mode)) == 0 { return nil }
        let code = errno
        return code == EEXIST && isDirectory(path) ? nil : describe(code)
    }

    /// The names in folder `path` (without `.` and `..`), in the order the file system gives; nil when it cannot
    /// be listed.
    static func listDirectory(_ path: String) -> [String]? {
        guard let handle = opendir(path) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The running executable's path (Linux: /proc/self/exe), nil if unknown.
    static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether standard error is a terminal.
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes `text` to standard error, retrying interrupted and partial writes; gives up silently on errors.
    static func writeStandardError(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { if n < 0 && errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }

    /// Appends `text` to `path` with one write and an fsync, so a crash leaves at most one partial line.
    static func appendDurably(_ text: String, to path: String) throws(CLIFailure) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw CLIFailure(.io, path: path, "cannot open for appending: \(describe(errno))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIFailure(.io, path: path, "write failed: \(describe(errno))")
            }
            offset += n
        }
        if fsync(fd) != 0 { throw CLIFailure(.io, path: path, "fsync failed: \(describe(errno))") }
    }
}

/// Monotonic seconds.
enum Clock {
    static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }

    /// CPU time of the whole process (all workers), so that other jobs on the machine do not inflate it.
    static func processCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }
}

// MARK: - Reading inputs

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

// MARK: - Writing outputs

/// Writes a finished output atomically: a temp file beside the target, fsync, then `link` (refusing to replace an
/// existing file) or `rename` (with `--force`), then fsync of the directory.
///
/// On any failure the temp file is removed, no output appears and an existing output keeps its bytes. A replaced
/// file keeps its permission bits. `-` writes to standard output, refused when that is a terminal and the data is
/// binary. An existing character device or FIFO (`/dev/null`, a named pipe) is opened and written in place, never
/// replaced, with or without `--force`; other special files (block devices, sockets) are refused.
struct SafeOutput {
    let path: String
    let force: Bool
    /// How paths are examined: `stat(2)`, following links. The output path is examined once per `write` (or
    /// `checkWritable`), and what was seen decides everything after; tests count the calls.
    var status: (String) -> stat? = POSIX.status(of:)

    /// What the output path is, from its one `stat`.
    enum Target: Equatable {
        /// `-`: standard output.
        case standardOutput
        /// A character device or FIFO, written in place.
        case stream
        /// Nothing exists there yet.
        case absent
        /// A regular file that `force` allows to be replaced; `permissions` are its permission bits, kept.
        case replaced(permissions: mode_t)
    }

    /// Fails early, before any work, if the output could not be written: its directory is missing, not a directory
    /// or not writable, it exists (without `force`), it is the same file as one of `inputs`, or it is a directory.
    func checkWritable(inputs: [String]) throws(CLIFailure) {
        _ = try target(inputs: inputs)
    }

    /// The checks of `checkWritable`, from one `stat` of the output path, and what that `stat` found.
    func target(inputs: [String]) throws(CLIFailure) -> Target {
        // A missing input is the problem to fix first, before anything about the output.
        for input in inputs where input != "-" {
            if access(input, F_OK) != 0 && errno == ENOENT {
                throw CLIFailure(.missingInput, path: input, "no such file")
            }
        }
        guard path != "-" else {
            if isatty(STDOUT_FILENO) == 1 {
                throw CLIFailure(
                    .usage, path: path, "refusing to write binary data to a terminal; redirect standard output")
            }
            return .standardOutput
        }
        guard let target = status(path) else {
            try checkDirectory()
            return .absent
        }
        // A character device or a FIFO (/dev/null, a named pipe) is written in place: nothing is replaced, so
        // neither --force nor a writable directory is needed. Other special files are refused.
        if Self.isStream(target) { return .stream }
        if (target.st_mode & S_IFMT) != S_IFREG && (target.st_mode & S_IFMT) != S_IFDIR {
            throw CLIFailure(
                .cannotCreateOutput, path: path,
                "is not a regular file, a character device or a FIFO; refusing to replace it")
        }
        try checkDirectory()
        for input in inputs where input != "-" {
            if let source = status(input), source.st_dev == target.st_dev && source.st_ino == target.st_ino {
                throw CLIFailure(.cannotCreateOutput, path: path, "output is the same file as the input")
            }
        }
        if (target.st_mode & S_IFMT) == S_IFDIR {
            throw CLIFailure(.cannotCreateOutput, path: path, "is a directory")
        }
        if !force {
            throw CLIFailure(.cannotCreateOutput, path: path, "output exists (use --force to overwrite)")
        }
        return .replaced(permissions: target.st_mode & 0o777)
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
        let target = try target(inputs: inputs)
        if target == .standardOutput {
            try writeAll(fd: STDOUT_FILENO, bytes: bytes, path: path)
            return
        }
        if target == .stream {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw CLIFailure(.cannotCreateOutput, path: path, "cannot open output: \(describe(errno))")
            }
            defer { close(fd) }
            try writeAll(fd: fd, bytes: bytes, path: path)
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
            if case .replaced(let permissions) = target, fchmod(fd, permissions) != 0 {
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

    /// A character device or a FIFO: an output written in place rather than replaced.
    private static func isStream(_ info: stat) -> Bool {
        (info.st_mode & S_IFMT) == S_IFCHR || (info.st_mode & S_IFMT) == S_IFIFO
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

/// A training step, and a step of the `--effort` search, allocates and frees the same few MB-sized buffers
/// (activations, im2col columns, gradient partials) thousands of times; by default glibc hands them back to the
/// kernel and faults them in again, which measured 12% of a training step's CPU time in system time and about 20%
/// of its total CPU time (14% of the CPU time of an effort search on a 768x512 image). These settings (glibc's
/// `mallopt`, also reachable as `MALLOC_MMAP_THRESHOLD_` / `MALLOC_TRIM_THRESHOLD_` / `MALLOC_TOP_PAD_`) keep freed
/// memory in the process. `<malloc.h>` is not in the Glibc module, hence the declaration by symbol name.
enum KeepFreedMemory {
    #if os(Linux)
        @_silgen_name("mallopt")
        private static func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
    #endif

    static func apply() {
        #if os(Linux)
            let (trimThreshold, topPad, mmapThreshold): (Int32, Int32, Int32) = (-1, -2, -3)  // <malloc.h> M_*
            _ = mallopt(mmapThreshold, 256 << 20)
            _ = mallopt(trimThreshold, 1 << 30)
            _ = mallopt(topPad, 64 << 20)
        #endif
    }
}
