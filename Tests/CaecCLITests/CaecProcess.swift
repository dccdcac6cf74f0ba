import Foundation

/// Runs the built `caec` executable (it sits beside the test bundle in the build folder) and captures its output.
struct CaecProcess {
    struct Result {
        let status: Int32
        let stdout: [UInt8]
        let stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // `swift test` runs `<build>/<config>/caecPackageTests.xctest`; caec is built beside it.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("caec").path),
            directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("caec")
    }

    /// Runs `caec arguments...` in `directory`, feeding `stdin`, with an optional file-size limit in 512-byte
    /// blocks (as `ulimit -f`) and extra environment variables, and waits for it to exit.
    static func run(
        _ arguments: [String], stdin: [UInt8] = [], in directory: URL? = nil, fileSizeLimitBlocks: Int? = nil,
        environment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let blocks = fileSizeLimitBlocks {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -f \(blocks) && exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        if let directory { process.currentDirectoryURL = directory }
        let input = Pipe()
        let output = Pipe()
        let error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let writer = Thread {
            input.fileHandleForWriting.write(Data(stdin))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let errorData = Locked(Data())
        let reader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return Result(
            status: process.terminationStatus, stdout: Array(out),
            stderr: String(decoding: errorData.value, as: UTF8.self))
    }
}

/// A value handed from one thread to another.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    private var assigned = false

    init(_ value: Value) { stored = value }

    var value: Value { lock.withLock { stored } }
    var isSet: Bool { lock.withLock { assigned } }

    func set(_ value: Value) {
        lock.withLock {
            stored = value
            assigned = true
        }
    }
}

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("caec-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The names in the directory, sorted (temp files included, so tests can see leftovers).
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
