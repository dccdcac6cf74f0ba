import Foundation
import Testing

@Suite struct VersionAndCompletionTests {
    /// One line each for caec, the image libraries (versions from the libraries themselves), the models folder with
    /// the shipped ids, and BLAS.
    @Test func versionNamesLibrariesAndShippedModels() throws {
        let result = try CaecProcess.run(["--version"])
        #expect(result.status == 0)
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        try #require(lines.count == 8, "\(result.stdoutText)")
        #expect(lines[0] == "caec 0.2.0")
        let prefixes = ["libpng 1.", "libjpeg libjpeg-turbo ", "libwebp 1.", "libavif ", "libjxl 0."]
        for (line, prefix) in zip(lines[1...5], prefixes) {
            #expect(line.hasPrefix(prefix) && line.count > prefix.count + 2, "\(line)")
        }
        #expect(lines[4].contains("aom [enc"), "libavif without the aom encoder: \(lines[4])")
        #expect(
            lines[6].hasPrefix("models ") && lines[6].hasSuffix("/Models: " + Self.shippedIDs.joined(separator: ", ")))
        #expect(lines[7].hasPrefix("blas: "))
    }

    /// The shipped weights, by file name.
    static var shippedIDs: [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { $0.hasSuffix(".caew") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Each shell's script completes model ids after `--model` and file names with the right extensions.
    @Test(arguments: ["bash", "zsh", "fish"]) func completionScriptsNameModelsAndFiles(shell: String) throws {
        let result = try CaecProcess.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        let script = result.stdoutText
        for id in ["bmshj-f-vr", "cae-r8"] { #expect(script.contains(id), "\(shell): no \(id)") }
        #expect(script.contains("model") && script.contains("encode") && script.contains("decode"))
        let fileMarker = ["bash": "*.@(cae)", "zsh": "*.cae", "fish": "cae"][shell]!
        #expect(script.contains(fileMarker), "\(shell): no file completion for .cae")
    }
}
