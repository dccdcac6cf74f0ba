#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a weights file whole with `open`/`read`: the library's only file access, so that it needs no Foundation.
enum WeightsFileReader {
    /// What happened to one path.
    enum Outcome {
        case bytes([UInt8])
        /// No file there (`ENOENT`, `ENOTDIR`): the next folder may have it.
        case absent
        /// A file is there but cannot be read, or is too large; the message says why, without the path.
        case unreadable(String)
    }

    /// The largest weights file read (1 GiB); the shipped ones are a few MB.
    static let maxBytes = 1 << 30

    static func contents(of path: String) -> Outcome {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return code == ENOENT || code == ENOTDIR ? .absent : .unreadable(describe(code))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .unreadable(describe(errno)) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .unreadable("not a regular file") }
        let size = Int(info.st_size)
        guard size <= maxBytes else { return .unreadable("\(size) bytes, over the \(maxBytes)-byte limit") }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, size - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return .unreadable(describe(errno))
            }
            if n == 0 { return .unreadable("the file shrank while it was read") }
            offset += n
        }
        return .bytes(bytes)
    }

    /// The names in `directory` (no `.` or `..`), sorted by their bytes; empty when it cannot be opened.
    static func names(in directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text).lowercased()
    }
}
