import Caec
import CaecTestSupport
import Foundation
import Testing

/// The README's embedding example is this code: it compiles here, runs on a shipped model, and the test checks that
/// the README shows exactly these lines.
@Suite struct ReadmeExampleTests {
    static func example(modelsFolder: String, rgb: [UInt8]) throws -> (
        CaecFileInfo, RGBImage, [UInt8], (file: [UInt8], quality: Double)
    ) {
        // README example begin
        var codec = try CaecCodec(modelID: "cae-r4", searchPaths: [modelsFolder])  // reads <folder>/cae-r4.caew
        codec.threads = 2  // optional: workers per call
        let image = try RGBImage(width: 32, height: 32, validating: rgb)  // interleaved R, G, B bytes
        let file = try codec.encode(image, quality: codec.modelQuality(percent: 75))  // [UInt8], a whole .cae file
        let info = try Caec.peek(file)  // header only: model, quality (6 of 1...8), size
        let back = try codec.decode(file)  // RGBImage of the same size
        let fitted = try codec.encode(image, targetBytes: 1500)  // (file, quality): the highest quality that fits
        // README example end
        return (info, back, file, fitted)
    }

    @Test func exampleRunsOnAShippedModel() throws {
        var random = SeededRandom(seed: 11)
        let rgb = random.bytes(32 * 32 * 3)
        let (info, back, file, fitted) = try Self.example(modelsFolder: Golden.url("Models").path, rgb: rgb)
        #expect(info.modelID == "cae-r4" && info.quality == 6 && info.fileBytes == file.count)
        #expect(back.width == 32 && back.height == 32)
        #expect(fitted.file.count <= 1500)
        #expect(try Caec.peek(fitted.file).modelQuality == fitted.quality)
    }

    @Test func readmeShowsThisExample() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let begin = lines.firstIndex { $0.contains("// README example begin") }!
        let end = lines.firstIndex { $0.contains("// README example end") }!
        let code = lines[(begin + 1)..<end].map { normalise($0) }
        let readme = String(decoding: try Golden.required("README.md"), as: UTF8.self)
        let blocks = readme.components(separatedBy: "```swift\n").dropFirst().map {
            $0.components(separatedBy: "```")[0]
        }
        let shown = blocks.map { $0.split(separator: "\n").map { normalise($0) } }
        #expect(shown.contains { $0.filter { !$0.isEmpty && !$0.hasPrefix("import") } == code })
    }

    /// Trims indentation and collapses runs of spaces (the README aligns its comments).
    private func normalise(_ line: Substring) -> String {
        line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
