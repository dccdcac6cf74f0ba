import Foundation
import Testing

@testable import CaecCLI

/// `SafeOutput` examines the output path once per write, and what it saw decides the rest: refusing, writing in
/// place (a FIFO or device), creating, or replacing with the old permission bits.
@Suite struct SafeOutputTests {
    /// A `SafeOutput` whose `stat` calls are counted per path.
    final class StatCounter: @unchecked Sendable {
        var calls: [String: Int] = [:]

        func output(_ path: String, force: Bool) -> SafeOutput {
            var output = SafeOutput(path: path, force: force)
            output.status = { examined in
                self.calls[examined, default: 0] += 1
                return POSIX.status(of: examined)
            }
            return output
        }
    }

    @Test(arguments: ["new", "replaced", "fifo"])
    func writeExaminesTheOutputOnce(kind: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("out.bin")
        let input = directory.path("in.png")
        try Data("input".utf8).write(to: URL(fileURLWithPath: input))
        var reader: Process?
        switch kind {
        case "replaced":
            try Data("old".utf8).write(to: URL(fileURLWithPath: path))
            #expect(chmod(path, 0o600) == 0)
        case "fifo":
            #expect(mkfifo(path, 0o600) == 0)
            let cat = Process()
            cat.executableURL = URL(fileURLWithPath: "/bin/cat")
            cat.arguments = [path]
            cat.standardOutput = FileHandle.nullDevice
            try cat.run()
            reader = cat
        default:
            break
        }
        let counter = StatCounter()
        try counter.output(path, force: kind == "replaced").write(Array("new bytes".utf8), inputs: [input])
        reader?.waitUntilExit()
        #expect(counter.calls[path] == 1, "stat calls per path: \(counter.calls)")
        if kind != "fifo" {
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("new bytes".utf8))
        }
        if kind == "replaced" {
            let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode == 0o600, "a replaced file keeps its permission bits")
        }
    }

    /// What the one `stat` found, for each kind of output path.
    @Test func targetSaysWhatTheOutputIs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let existing = directory.path("existing")
        try Data("x".utf8).write(to: URL(fileURLWithPath: existing))
        #expect(chmod(existing, 0o640) == 0)
        #expect(try SafeOutput(path: directory.path("new"), force: false).target(inputs: []) == .absent)
        #expect(try SafeOutput(path: existing, force: true).target(inputs: []) == .replaced(permissions: 0o640))
        #expect(try SafeOutput(path: "/dev/null", force: false).target(inputs: []) == .stream)
        #expect(throws: CLIFailure(.cannotCreateOutput, path: existing, "output exists (use --force to overwrite)")) {
            try SafeOutput(path: existing, force: false).target(inputs: [])
        }
        #expect(throws: CLIFailure(.cannotCreateOutput, path: existing, "output is the same file as the input")) {
            try SafeOutput(path: existing, force: true).target(inputs: [existing])
        }
    }
}
