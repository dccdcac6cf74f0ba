import Foundation
import Testing

/// `caec convert` end to end: exit codes, one-line errors, and the file-safety guarantees.
@Suite struct ConvertCommandTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Samples/imageio").standardized

    static func sample(_ name: String) -> String { samples.appendingPathComponent(name).path }

    /// Bad inputs, the exit status each must give and a fragment of its one-line message.
    static let badInputs: [(name: String, status: Int32, message: String)] = [
        ("empty", 65, "empty input"),
        ("not-an-image.txt", 65, "not a PNG or JPEG image"),
        ("bad-truncated.png", 65, "truncated PNG data"),
        ("bad-truncated.jpg", 65, "JPEG"),
        ("bad-crc-idat.png", 65, "CRC"),
        ("bomb-idat.png", 65, "PNG"),
        ("huge-100000x100000.png", 65, "image is 100000x100000, over the limit"),
        ("sof-65000x65000.jpg", 65, "image is 65000x65000, over the limit"),
        ("a-directory", 66, "is a directory"),
        ("missing.png", 66, "no such file"),
    ]

    static func prepare(_ name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.path(name)
        switch name {
        case "empty": FileManager.default.createFile(atPath: path, contents: Data())
        case "not-an-image.txt": try Data("hello, world\n".utf8).write(to: URL(fileURLWithPath: path))
        case "a-directory": try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        case "missing.png": break
        default: try FileManager.default.copyItem(atPath: sample(name), toPath: path)
        }
        return path
    }

    @Test(arguments: badInputs.map(\.name))
    func badInputGivesItsExitCodeAndWritesNothing(name: String) throws {
        let expected = Self.badInputs.first { $0.name == name }!
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try Self.prepare(name, in: directory)
        let before = try directory.contents()

        let fresh = try CaecProcess.run(["convert", input, directory.path("out.png")])
        #expect(fresh.status == expected.status)
        #expect(fresh.stderr.hasPrefix("caec: error: \(input): "))
        #expect(fresh.stderr.contains(expected.message), "\(fresh.stderr)")
        #expect(fresh.stderr.filter { $0 == "\n" }.count == 1)
        #expect(try directory.contents() == before, "no output and no temp file")

        // An existing output keeps its bytes, even with --force.
        let existing = Data("precious".utf8)
        try existing.write(to: URL(fileURLWithPath: directory.path("kept.png")))
        let forced = try CaecProcess.run(["convert", input, directory.path("kept.png"), "--force"])
        #expect(forced.status == expected.status)
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.path("kept.png"))) == existing)
        #expect(try directory.contents() == (before + ["kept.png"]).sorted())
    }

    @Test func convertsPNGToJPEGAndBack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let jpeg = directory.path("out.jpg")
        let result = try CaecProcess.run(["convert", Self.sample("basn2c08.png"), jpeg, "--quality", "80"])
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: jpeg))
        #expect(bytes.starts(with: [0xFF, 0xD8, 0xFF]))
        let png = directory.path("back.png")
        #expect(try CaecProcess.run(["convert", jpeg, png]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: png)).starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try directory.contents() == ["back.png", "out.jpg"])
    }

    /// `--format` that contradicts the output's extension writes what it says, with a warning naming the file.
    @Test func formatAgainstTheExtensionWarns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.path("really-jpeg.png")
        let result = try CaecProcess.run(["convert", Self.sample("basn2c08.png"), output, "--format", "jpeg"])
        #expect(result.status == 0)
        #expect(result.stderr == "caec: warning: \(output): writing a JPEG file to a name ending in .png\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)).starts(with: [0xFF, 0xD8, 0xFF]))
        let agreeing = try CaecProcess.run(
            ["convert", Self.sample("basn2c08.png"), directory.path("b.jpeg"), "--format", "jpeg"])
        #expect(agreeing.status == 0 && agreeing.stderr.isEmpty)
    }

    @Test func existingOutputIsRefusedWithoutForceAndReplacedWithIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.path("out.png")
        try Data("old".utf8).write(to: URL(fileURLWithPath: output))
        let refused = try CaecProcess.run(["convert", Self.sample("basn2c08.png"), output])
        #expect(refused.status == 73)
        #expect(refused.stderr == "caec: error: \(output): output exists (use --force to overwrite)\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data("old".utf8))
        let forced = try CaecProcess.run(["convert", Self.sample("basn2c08.png"), output, "--force"])
        #expect(forced.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)).starts(with: [0x89, 0x50]))
        #expect(try directory.contents() == ["out.png"])
    }

    @Test func outputThatIsTheInputIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("image.png")
        try FileManager.default.copyItem(atPath: Self.sample("basn2c08.png"), toPath: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        try FileManager.default.linkItem(atPath: path, toPath: directory.path("alias.png"))
        for output in [path, directory.path("alias.png")] {
            let result = try CaecProcess.run(["convert", path, output, "--force"])
            #expect(result.status == 73)
            #expect(result.stderr.contains("output is the same file as the input"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
    }

    @Test func standardInputToStandardOutput() throws {
        let input = try Data(contentsOf: URL(fileURLWithPath: Self.sample("basn2c08.png")))
        let result = try CaecProcess.run(["convert", "-", "-", "--format", "jpeg"], stdin: Array(input))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.starts(with: [0xFF, 0xD8, 0xFF]))
        #expect(result.stdout.count > 100)
    }

    @Test func unknownOutputExtensionIsAUsageError() throws {
        let result = try CaecProcess.run(["convert", Self.sample("basn2c08.png"), "/tmp/out.bmp"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--format"))
    }

    @Test func fullDiskLeavesNothingBehind() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.path("big.png")
        // A 16-block (8 KiB) file-size limit: the 256x256 photo's PNG (about 100 KB) cannot fit.
        let photo = Self.samples.appendingPathComponent("../images/kodim23-crop256.png").standardized.path
        let result = try CaecProcess.run(["convert", photo, output], fileSizeLimitBlocks: 16)
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("caec: error: \(output): write failed"))
        #expect(try directory.contents().isEmpty)
    }
}
