import CaecImageIO
import CaecTestSupport
import Foundation
import Testing

/// Real-world inputs through the built `caec`: decoder warnings, `--lenient`, and care with output files.
@Suite struct RealWorldInputCommandTests {
    static func sampleBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: ConvertCommandTests.samples.appendingPathComponent(name)))
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// `ycc444.jpg` (baseline, 3 components) with Se in its SOS changed from 63 to 0, as some encoders write it.
    static func zeroSpectralJPEG() throws -> [UInt8] {
        var bytes = try sampleBytes("ycc444.jpg")
        let sos = try #require((2..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA })
        let spectral = sos + 5 + 2 * Int(bytes[sos + 4])
        try #require(bytes[spectral] == 0 && bytes[spectral + 1] == 63)
        bytes[spectral + 1] = 0
        return bytes
    }

    /// Lines of standard error.
    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test func harmlessJPEGWarningIsPrintedAndTheFileConverted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("sos.jpg")
        try Self.write(try Self.zeroSpectralJPEG(), to: input)
        let result = try CaecProcess.run(["convert", input, directory.path("out.png")])
        #expect(result.status == 0)
        #expect(result.stderr == "caec: warning: \(input): Invalid SOS parameters for sequential JPEG\n")
        // The same pixels as the unpatched file.
        let reference = directory.path("reference.jpg")
        try Self.write(try Self.sampleBytes("ycc444.jpg"), to: reference)
        #expect(try CaecProcess.run(["convert", reference, directory.path("reference.png")]).status == 0)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: directory.path("out.png")))
                == Data(contentsOf: URL(fileURLWithPath: directory.path("reference.png"))))
    }

    /// A Photoshop-style CMYK JPEG (Adobe marker, inverted samples) without a profile: `caec encode` encodes it
    /// after one warning line, and the .cae file decodes to the plain conversion's colours.
    @Test func cmykJPEGIsEncodedWithOneWarning() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("cmyk.jpg")
        let jpeg = try JPEGWriter.encodeCMYK(
            TestCMYK.inkSamples(inverted: true), width: TestCMYK.width, height: TestCMYK.height, quality: 100,
            coding: .adobe)
        try Self.write(jpeg, to: input)
        let cae = directory.path("out.cae")
        let result = try CaecProcess.run(["encode", input, cae, "--models", EncodeCommandTests.models])
        #expect(result.status == 0, "\(result.stderr)")
        let warnings = Self.lines(result.stderr).filter { $0.hasPrefix("caec: warning: ") }
        #expect(
            warnings == [
                "caec: warning: \(input): CMYK JPEG with no ICC profile: converted to RGB as R = (1 - C)(1 - K), "
                    + "G = (1 - M)(1 - K), B = (1 - Y)(1 - K), without colour management"
            ])
        // The .cae file decodes as close to the plain conversion as one made from that conversion's PNG (the
        // codec's own loss on eight saturated patches of a 32x16 picture is large; the colours are right).
        let reference = directory.path("plain.png")
        try Self.write(TestPNG.png(TestCMYK.plainImage()), to: reference)
        let referenceCAE = directory.path("plain.cae")
        #expect(
            try CaecProcess.run(["encode", reference, referenceCAE, "--models", EncodeCommandTests.models]).status == 0)
        var psnrs: [Double] = []
        for file in [cae, referenceCAE] {
            let png = file + ".png"
            let decode = try CaecProcess.run(["decode", file, png, "--models", EncodeCommandTests.models])
            #expect(decode.status == 0, "\(decode.stderr)")
            let back = try ImageReader.read([UInt8](try Data(contentsOf: URL(fileURLWithPath: png))))
            var squaredError = 0.0
            for (a, b) in zip(back.pixels, TestCMYK.plainImage().pixels) {
                let difference = Double(a) - Double(b)
                squaredError += difference * difference
            }
            psnrs.append(10 * log10(255 * 255 / (squaredError / Double(back.pixels.count))))
        }
        #expect(abs(psnrs[0] - psnrs[1]) < 0.5, "PSNR from the CMYK JPEG \(psnrs[0]) dB, from the PNG \(psnrs[1]) dB")
    }

    /// Damaged data fails with a message that offers --lenient; with it, the file is converted and every problem
    /// it let through is printed as a warning.
    @Test(arguments: [
        (
            "bad-truncated.jpg", "truncated JPEG data",
            ["Premature end of JPEG file", "Corrupt JPEG data: premature end of data segment"]
        ),
        ("bad-huffman.jpg", "corrupt JPEG data: bad Huffman code", ["Corrupt JPEG data: bad Huffman code"]),
        ("no-iend.png", "truncated PNG data", ["unexpected end of data"]),
    ])
    func damageNeedsLenient(name: String, reason: String, warnings: [String]) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path(name)
        let bytes =
            name == "no-iend.png"
            ? Array(try Self.sampleBytes("basn2c08.png").dropLast(12)) : try Self.sampleBytes(name)
        try Self.write(bytes, to: input)

        let strict = try CaecProcess.run(["convert", input, directory.path("out.png")])
        #expect(strict.status == 65)
        #expect(strict.stderr == "caec: error: \(input): \(reason) (--lenient decodes it anyway)\n")
        #expect(!FileManager.default.fileExists(atPath: directory.path("out.png")))

        let lenient = try CaecProcess.run(["convert", input, directory.path("out.png"), "--lenient"])
        #expect(lenient.status == 0)
        #expect(Self.lines(lenient.stderr) == warnings.map { "caec: warning: \(input): \($0)" })
        #expect(FileManager.default.fileExists(atPath: directory.path("out.png")))
    }

    @Test func unsupportedJPEGProcessIsNamed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var bytes = try Self.sampleBytes("ycc444.jpg")
        let sof = try #require((2..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes[sof + 4] = 12  // sample precision
        let input = directory.path("twelve-bit.jpg")
        try Self.write(bytes, to: input)
        let result = try CaecProcess.run(["convert", input, directory.path("out.png"), "--lenient"])
        #expect(result.status == 65)
        #expect(result.stderr == "caec: error: \(input): unsupported JPEG process: 12-bit precision\n")
    }

    @Test(arguments: ["convert", "encode"])
    func lenientHelpCoversPNGAndJPEG(command: String) throws {
        let result = try CaecProcess.run([command, "--help"])
        #expect(result.status == 0)
        let help = result.stdoutText.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(
            help.contains("--lenient Decode damaged PNG and JPEG files (truncated or corrupt data) instead of failing.")
        )
        #expect(help.contains("Every problem it lets through is printed as a 'caec: warning:' line."))
    }

    // MARK: - Output files

    /// The missing directory is reported (73) before anything else: the input is not even an image (65), and
    /// encode's model folder does not exist (78), yet the directory is what the message names.
    @Test(arguments: ["convert", "encode", "decode"])
    func missingOutputDirectoryIsReportedFirst(command: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("input")
        try Self.write(Array("not an image".utf8), to: input)
        let output = directory.path("missing/out.png")
        let result = try CaecProcess.run(
            [command, input, output] + (command == "encode" ? ["--models", directory.path("no-models")] : []))
        #expect(result.status == 73)
        #expect(
            result.stderr == "caec: error: \(output): output directory '\(directory.path("missing"))' does not exist\n")
        #expect(try directory.contents() == ["input"])
    }

    @Test func outputInAFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("in.png")
        try Self.write(try Self.sampleBytes("basn2c08.png"), to: input)
        let output = input + "/out.png"
        let result = try CaecProcess.run(["convert", input, output])
        #expect(result.status == 73)
        #expect(result.stderr == "caec: error: \(output): '\(input)' is not a directory\n")
    }

    @Test(arguments: [0o640, 0o600, 0o664] as [UInt16])
    func forceKeepsThePermissionBits(mode: UInt16) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = directory.path("in.png")
        try Self.write(try Self.sampleBytes("basn2c08.png"), to: input)
        let output = directory.path("out.jpg")
        try Self.write(Array("old".utf8), to: output)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: output)

        let result = try CaecProcess.run(["convert", input, output, "--force"])
        #expect(result.status == 0, "\(result.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: output)
        #expect((attributes[.posixPermissions] as? NSNumber)?.uint16Value == mode)
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)).starts(with: [0xFF, 0xD8, 0xFF]))
    }
}
