import CaecCore
import CaecImageIO
import CaecTestSupport
import Foundation
import Testing

/// `caec encode` keeps the input's colour profile, EXIF and XMP (or drops them with --strip), `caec decode` writes
/// them back, `caec convert` carries them over, and gray stays gray, through the built binary.
@Suite struct MetadataCommandTests {
    static let models = EncodeCommandTests.models
    static let xmp = Array("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><caec/></x:xmpmeta>".utf8)

    /// A 40x24 colour PNG whose colours are described by gAMA 1.0 (linear light: caec makes an ICC profile of it),
    /// with EXIF orientation 6 and XMP.
    static func input() -> [UInt8] {
        var pixels: [UInt8] = []
        for y in 0..<24 {
            for x in 0..<40 { pixels += [UInt8(x * 6), UInt8(y * 10), UInt8((x + y) * 3)] }
        }
        let itxt = Array("XML:com.adobe.xmp".utf8) + [0, 0, 0, 0, 0] + xmp
        return TestPNG.png(
            RGBImage(width: 40, height: 24, pixels: pixels),
            ancillary: TestPNG.chunk("gAMA", TestPNG.be32(100_000))
                + TestPNG.chunk("eXIf", TestPNG.exifTIFF(orientation: 6)) + TestPNG.chunk("iTXt", itxt))
    }

    static func roundTrip(_ input: [UInt8], format: String, extra: [String] = []) throws -> (
        original: DecodedImage, output: DecodedImage
    ) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (source, cae, output) = (directory.path("in.png"), directory.path("a.cae"), directory.path("out.\(format)"))
        try Data(input).write(to: URL(fileURLWithPath: source))
        let encode = try CaecProcess.run(["encode", source, cae, "--models", models] + extra)
        #expect(encode.status == 0, "\(encode.stderr)")
        let decode = try CaecProcess.run(["decode", cae, output, "--models", models])
        #expect(decode.status == 0, "\(decode.stderr)")
        let written = try Array(Data(contentsOf: URL(fileURLWithPath: output)))
        return (try ImageReader.decode(input), try ImageReader.decode(written))
    }

    @Test(arguments: ["png", "jpg"])
    func profileExifAndXMPSurvive(format: String) throws {
        let (original, output) = try Self.roundTrip(Self.input(), format: format)
        let profile = try #require(original.metadata.iccProfile)
        #expect(output.metadata.iccProfile == profile)
        #expect(output.metadata.xmp == Self.xmp)
        // The pixels were turned upright once, and the kept EXIF says so: no viewer turns them again.
        #expect(output.image.width == 24 && output.image.height == 40)
        #expect(output.metadata.exif == original.metadata.exif)
        #expect(ExifOrientation(tiff: try #require(output.metadata.exif)) == .up)
    }

    @Test func stripDropsMetadata() throws {
        let (_, output) = try Self.roundTrip(Self.input(), format: "png", extra: ["--strip"])
        #expect(output.metadata == ImageMetadata())
        #expect(output.image.width == 24)  // orientation is still applied
    }

    @Test(arguments: ["png", "jpg"])
    func grayStaysGray(format: String) throws {
        let samples = (0..<(33 * 21)).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let input = TestPNG.grayPNG(width: 33, height: 21, samples: samples)
        let (_, output) = try Self.roundTrip(input, format: format, extra: ["--model-quality", "1"])
        #expect(output.metadata.isGray)
        let pixels = output.image.pixels
        var colored = 0
        for p in stride(from: 0, to: pixels.count, by: 3) where pixels[p] != pixels[p + 1] || pixels[p] != pixels[p + 2]
        {
            colored += 1
        }
        #expect(colored == 0)
    }

    /// EXIF too large for one JPEG segment stays in PNG output and is left out of JPEG output with a warning.
    @Test func oversizedExifIsKeptInPNGAndLeftOutOfJPEG() throws {
        let exif = TestPNG.exifTIFF(orientation: 1) + [UInt8](repeating: 0x41, count: 70_000)
        let input = TestPNG.png(
            RGBImage(width: 16, height: 16, pixels: [UInt8](repeating: 90, count: 16 * 16 * 3)),
            ancillary: TestPNG.chunk("eXIf", exif))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (source, cae) = (directory.path("in.png"), directory.path("a.cae"))
        try Data(input).write(to: URL(fileURLWithPath: source))
        #expect(try CaecProcess.run(["encode", source, cae, "--models", Self.models]).status == 0)
        let png = try CaecProcess.run(["decode", cae, directory.path("out.png"), "--models", Self.models])
        #expect(png.status == 0 && png.stderr.isEmpty, "\(png.stderr)")
        let written = try Array(Data(contentsOf: URL(fileURLWithPath: directory.path("out.png"))))
        #expect(try ImageReader.decode(written).metadata.exif == exif)
        let jpeg = try CaecProcess.run(["decode", cae, directory.path("out.jpg"), "--models", Self.models])
        #expect(jpeg.status == 0)
        #expect(jpeg.stderr.contains("caec: warning: \(cae): EXIF of \(exif.count) bytes does not fit in JPEG"))
    }

    /// `caec convert` writes what it read: profile, EXIF (orientation applied and reset), XMP and gray, to PNG and
    /// JPEG; `--strip` drops all but gray.
    @Test(arguments: ["png", "jpg"])
    func convertKeepsProfileExifXMPAndGray(format: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let gray = TestPNG.grayPNG(width: 9, height: 7, samples: (0..<63).map { UInt8($0 * 4) })
        for (name, input) in [("colour", Self.input()), ("gray", gray)] {
            let source = directory.path("\(name).png")
            try Data(input).write(to: URL(fileURLWithPath: source))
            for strip in [false, true] {
                let output = directory.path("\(name)-\(strip).\(format)")
                let result = try CaecProcess.run(["convert", source, output] + (strip ? ["--strip"] : []))
                #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
                let original = try ImageReader.decode(input)
                let written = try ImageReader.decode(Array(Data(contentsOf: URL(fileURLWithPath: output))))
                #expect(written.image.width == original.image.width && written.image.height == original.image.height)
                #expect(written.metadata.isGray == original.metadata.isGray)
                #expect(written.metadata.iccProfile == (strip ? nil : original.metadata.iccProfile))
                #expect(written.metadata.exif == (strip ? nil : original.metadata.exif))
                #expect(written.metadata.xmp == (strip ? nil : original.metadata.xmp))
            }
        }
    }

    @Test func infoListsTheMetadata() throws {
        let golden = EncodeCommandTests.root.appendingPathComponent("Samples/golden/cae-r8/gray-horse-metadata-q4.cae")
        let result = try CaecProcess.run(["info", golden.path])
        #expect(result.status == 0)
        #expect(result.stdoutText.contains("colour       gray"))
        #expect(result.stdoutText.contains("metadata     ICC 40 bytes, EXIF 8 bytes, XMP 37 bytes"))
        let json = try CaecProcess.run(["info", golden.path, "--json"])
        #expect(json.stdoutText.contains("\"metadata\": {\"icc\": 40, \"exif\": 8, \"xmp\": 37}"))
    }

    /// A truncated file: the header is still shown, then one `damage` line that says where the file ends and where
    /// it should have (never "metadata unreadable" for a cut payload), and the same one-line error and exit status
    /// as `caec decode` gives for it. Cut inside the payload and inside a metadata block.
    @Test(arguments: [
        (cut: 20, damage: "truncated payload: the file ends at byte 20, the payload and its CRC end at byte "),
        (cut: -20, damage: "truncated metadata block: the file ends at byte "),
    ])
    func infoOfATruncatedFileShowsTheHeaderAndWhereItEnds(cut: Int, damage: String) throws {
        let golden = try Data(
            contentsOf: EncodeCommandTests.root.appendingPathComponent(
                "Samples/golden/cae-r8/gray-horse-metadata-q4.cae"))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let truncated = directory.path("truncated.cae")
        try golden.prefix(cut > 0 ? cut : golden.count + cut).write(to: URL(fileURLWithPath: truncated))
        let result = try CaecProcess.run(["info", truncated])
        let decode = try CaecProcess.run(
            ["decode", truncated, directory.path("out.png"), "--models", EncodeCommandTests.models])
        #expect(result.status == 65 && decode.status == 65)
        #expect(result.stdoutText.contains("model        cae-r8"))
        #expect(result.stdoutText.contains("\ndamage       \(damage)"), "\(result.stdoutText)")
        #expect(!result.stdoutText.contains("\nmetadata "), "no metadata line: the reader never got there")
        #expect(result.stderr.hasPrefix("caec: error: \(truncated): \(damage)"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr == decode.stderr)
        let json = try CaecProcess.run(["info", truncated, "--json"])
        #expect(json.status == 65)
        #expect(json.stdoutText.contains("\"metadata\": null, \"damage\": \"\(damage)"), "\(json.stdoutText)")
    }
}
