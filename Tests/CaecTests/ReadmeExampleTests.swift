import Caec
import CaecTestSupport
import Foundation
import Testing

/// The README's embedding example is this code: it compiles here, runs on a shipped model, and the test checks that
/// the README shows exactly these lines.
@Suite struct ReadmeExampleTests {
    static func example(weightsBytes: [UInt8], rgb: [UInt8]) throws -> (CaecFileInfo, RGBImage, [UInt8]) {
        // README example begin
        let codec = try CaecCodec(weights: weightsBytes)  // e.g. the bytes of Models/cae-r4.caew
        let image = RGBImage(width: 32, height: 32, pixels: rgb)  // interleaved R, G, B bytes
        let file = try codec.encode(image, quality: 5)  // [UInt8], a complete .cae file
        let info = try Caec.peek(file)  // header only: model, quality, size
        let back = try codec.decode(file)  // RGBImage of the same size
        // README example end
        return (info, back, file)
    }

    @Test func exampleRunsOnAShippedModel() throws {
        var random = SeededRandom(seed: 11)
        let rgb = random.bytes(32 * 32 * 3)
        let (info, back, file) = try Self.example(weightsBytes: Golden.required("Models/cae-r4.caew"), rgb: rgb)
        #expect(info.modelID == "cae-r4" && info.quality == 5 && info.fileBytes == file.count)
        #expect(back.width == 32 && back.height == 32)
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
