import Foundation
import Testing

@Suite struct CommandLineTests {
    @Test func versionPrintsTheVersion() throws {
        let result = try CaecProcess.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdoutText.hasPrefix("caec "))
        #expect(result.stdoutText.contains("blas: OpenBLAS"))
        #expect(result.stdoutText.contains("cpu: "))
    }

    /// A core chosen in the environment is respected, and reported as such.
    @Test func versionReportsTheBLASCoreFromTheEnvironment() throws {
        let result = try CaecProcess.run(["--version"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        #expect(result.status == 0)
        #expect(result.stdoutText.contains("core Prescott (from OPENBLAS_CORETYPE)"), "\(result.stdoutText)")
    }

    @Test func unknownSubcommandIsAUsageError() throws {
        let result = try CaecProcess.run(["frobnicate"])
        #expect(result.status == 64)
        #expect(!result.stderr.isEmpty)
    }

    /// swift-argument-parser appends `(default: X)` to the help of every option with a default value, so no such
    /// option's own text may state its default again (`--max-pixels` once said "64 Mpx by default" beside
    /// "(default: 67108864)"). Walks every command of the tree, from the parser's own description of it.
    @Test func noOptionStatesItsDefaultTwice() throws {
        let result = try CaecProcess.run(["--experimental-dump-help"])
        try #require(result.status == 0)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any])
        var pending = [(path: "caec", command: try #require(root["command"] as? [String: Any]))]
        var checked = 0
        while let (path, command) = pending.popLast() {
            for argument in command["arguments"] as? [[String: Any]] ?? [] {
                guard let value = argument["defaultValue"] as? String, !value.isEmpty else { continue }
                let text = [argument["abstract"], argument["discussion"]].compactMap { $0 as? String }.joined(
                    separator: " ")
                let name = (argument["preferredName"] as? [String: Any])?["name"] as? String ?? "?"
                #expect(!text.lowercased().contains("default"), "\(path) --\(name): \(text)")
                checked += 1
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                pending.append((path + " " + (sub["commandName"] as? String ?? "?"), sub))
            }
        }
        #expect(checked > 20, "options with a shown default: \(checked)")
    }

    @Test func helpListsExitStatuses() throws {
        let result = try CaecProcess.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdoutText.contains("65 invalid input data"))
    }
}
