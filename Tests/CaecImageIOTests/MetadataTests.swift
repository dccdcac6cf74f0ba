import CaecCore
import Testing

@testable import CaecImageIO

/// Colour profiles, EXIF and XMP travel through caec's PNG and JPEG readers and writers byte for byte, gray stays
/// gray, and PNG gAMA/cHRM become an equivalent ICC profile.
@Suite struct MetadataTests {
    /// A minimal ICC v2 display profile of colour space `space` ("RGB " or "GRAY"): header, then a tag table of
    /// wtpt, the colorants (RGB) and TRCs sharing one gamma-2.2 curve, padded to `padding` extra bytes of an
    /// unknown private tag so that a profile can be made larger than one JPEG segment.
    static func iccProfile(space: String = "RGB ", padding: Int = 0) -> [UInt8] {
        func s15(_ value: Double) -> [UInt8] { TestFiles.be32(UInt32(bitPattern: Int32((value * 65536).rounded()))) }
        func xyz(_ x: Double, _ y: Double, _ z: Double) -> [UInt8] {
            Array("XYZ ".utf8) + [0, 0, 0, 0] + s15(x) + s15(y) + s15(z)
        }
        let curve = Array("curv".utf8) + [0, 0, 0, 0] + TestFiles.be32(1) + [2, 0x33, 0, 0]  // u8Fixed8 2.2, padded
        var tags: [(String, [UInt8])] = [("wtpt", xyz(0.9642, 1, 0.8249))]
        if space == "RGB " {
            tags += [
                ("rXYZ", xyz(0.4361, 0.2225, 0.0139)), ("gXYZ", xyz(0.3851, 0.7169, 0.0971)),
                ("bXYZ", xyz(0.1431, 0.0606, 0.7141)), ("rTRC", curve), ("gTRC", curve), ("bTRC", curve),
            ]
        } else {
            tags += [("kTRC", curve)]
        }
        if padding > 0 { tags += [("zzzz", Array("zzzz".utf8) + [UInt8](repeating: 0x5A, count: padding - 4))] }
        var table: [UInt8] = TestFiles.be32(UInt32(tags.count))
        var data: [UInt8] = []
        let dataStart = 128 + 4 + 12 * tags.count
        for (signature, body) in tags {
            table +=
                Array(signature.utf8) + TestFiles.be32(UInt32(dataStart + data.count))
                + TestFiles.be32(UInt32(body.count))
            data += body
            while data.count % 4 != 0 { data.append(0) }
        }
        let size = dataStart + data.count
        var header = TestFiles.be32(UInt32(size)) + [0, 0, 0, 0] + [0x02, 0x10, 0, 0] + Array("mntr".utf8)
        header += Array(space.utf8) + Array("XYZ ".utf8) + [0x07, 0xEA, 0, 11, 0, 29, 0, 0, 0, 0, 0, 0]
        header += Array("acsp".utf8) + [UInt8](repeating: 0, count: 24) + TestFiles.be32(0)
        header += s15(0.9642) + s15(1) + s15(0.8249)
        header += [UInt8](repeating: 0, count: 128 - header.count)
        return header + table + data
    }

    static let xmp = Array(
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/></x:xmpmeta>"
            .utf8)

    static func metadata(icc: [UInt8] = iccProfile(), gray: Bool = false) -> ImageMetadata {
        ImageMetadata(iccProfile: icc, exif: TestFiles.exifTIFF(orientation: 1), xmp: xmp, isGray: gray)
    }

    @Test func pngKeepsProfileExifAndXMP() throws {
        let image = TestFiles.distinctImage(width: 5, height: 3)
        let file = try PNGWriter.encode(image, metadata: Self.metadata())
        let decoded = try ImageReader.decode(file)
        #expect(decoded.image == image)
        #expect(decoded.metadata == Self.metadata())
        #expect(decoded.warnings.isEmpty)
    }

    @Test(arguments: [ChromaSubsampling.yuv420, .yuv444])
    func jpegKeepsProfileExifAndXMP(subsampling: ChromaSubsampling) throws {
        let image = TestFiles.distinctImage(width: 6, height: 4)
        let file = try JPEGWriter.encode(image, quality: 90, subsampling: subsampling, metadata: Self.metadata())
        #expect(try ImageReader.decode(file).metadata == Self.metadata())
        // The pixels are what the same JPEG without metadata decodes to.
        let plain = try JPEGWriter.encode(image, quality: 90, subsampling: subsampling)
        #expect(try ImageReader.read(file) == ImageReader.read(plain))
    }

    /// A profile larger than one APP2 segment (65,519 bytes of payload) is split and reassembled.
    @Test func jpegSplitsALargeProfile() throws {
        let icc = Self.iccProfile(padding: 150_000)
        let file = try JPEGWriter.encode(
            TestFiles.distinctImage(width: 4, height: 4), quality: 80, metadata: ImageMetadata(iccProfile: icc))
        #expect(try ImageReader.decode(file).metadata.iccProfile == icc)
    }

    /// EXIF or XMP over one APP1 segment is refused with a message, not truncated.
    @Test func jpegRefusesOversizedExif() throws {
        let exif = TestFiles.exifTIFF(orientation: 1) + [UInt8](repeating: 0, count: 70_000)
        #expect(throws: ImageIOError.self) {
            try JPEGWriter.encode(
                TestFiles.distinctImage(width: 2, height: 2), quality: 80, metadata: .init(exif: exif))
        }
    }

    @Test func grayStaysGray() throws {
        var pixels: [UInt8] = []
        for value in [0, 17, 128, 200, 255, 64] { pixels += [UInt8(value), UInt8(value), UInt8(value)] }
        let image = RGBImage(width: 3, height: 2, pixels: pixels)
        let gray = ImageMetadata(iccProfile: Self.iccProfile(space: "GRAY"), isGray: true)
        let png = try PNGWriter.encode(image, metadata: gray)
        #expect(png[25] == 0, "IHDR colour type of a gray PNG")
        let decoded = try ImageReader.decode(png)
        #expect(decoded.image == image)
        #expect(decoded.metadata == gray)

        let jpeg = try JPEGWriter.encode(image, quality: 95, metadata: ImageMetadata(isGray: true))
        let sof = try #require(TestFiles.offset(ofMarker: 0xC0, in: jpeg))
        #expect(jpeg[sof + 9] == 1, "one component")
        let decodedJPEG = try ImageReader.decode(jpeg)
        #expect(decodedJPEG.metadata.isGray)
        for p in 0..<6 {
            let (r, g, b) = (
                decodedJPEG.image.pixels[3 * p], decodedJPEG.image.pixels[3 * p + 1],
                decodedJPEG.image.pixels[3 * p + 2]
            )
            #expect(r == g && g == b)
        }
        #expect(try !ImageReader.decode(PNGWriter.encode(image)).metadata.isGray)
    }

    /// The orientation is applied to the pixels, and the kept EXIF says so.
    @Test func orientationIsResetInTheKeptExif() throws {
        let image = TestFiles.distinctImage(width: 3, height: 2)
        let png = TestFiles.png(image, ancillary: TestFiles.chunk("eXIf", TestFiles.exifTIFF(orientation: 6)))
        let decoded = try ImageReader.decode(png)
        #expect(decoded.image.width == 2 && decoded.image.height == 3)
        let exif = try #require(decoded.metadata.exif)
        #expect(ExifOrientation(tiff: exif) == .up)
        #expect(exif.count == TestFiles.exifTIFF(orientation: 6).count)
    }

    @Test func compressedXMPIsInflated() throws {
        let text: [UInt8] = Array("XML:com.adobe.xmp".utf8) + [0, 1, 0, 0, 0] + TestFiles.storedZlib(Self.xmp)
        let png = TestFiles.png(TestFiles.distinctImage(width: 2, height: 2), ancillary: TestFiles.chunk("iTXt", text))
        #expect(try ImageReader.decode(png).metadata.xmp == Self.xmp)
    }

    @Test func profileOfAnICCPChunkIsInflated() throws {
        let icc = Self.iccProfile()
        let chunk = TestFiles.chunk("iCCP", Array("Display P3".utf8) + [0, 0] + TestFiles.storedZlib(icc))
        let png = TestFiles.png(TestFiles.distinctImage(width: 2, height: 2), ancillary: chunk)
        let metadata = try ImageReader.decode(png).metadata
        #expect(metadata.iccProfile == icc)
        #expect(!metadata.iccProfileIsSynthesized)
    }

    /// gAMA (and cHRM) that say "not sRGB" give an lcms2-made matrix/TRC profile; sRGB-like values, an sRGB chunk
    /// or an iCCP chunk give none.
    @Test func gammaAndChromaticitiesBecomeAProfile() throws {
        let image = TestFiles.distinctImage(width: 2, height: 2)
        func metadata(_ chunks: [UInt8]) throws -> ImageMetadata {
            try ImageReader.decode(TestFiles.png(image, ancillary: chunks)).metadata
        }
        let linear = try metadata(TestFiles.chunk("gAMA", TestFiles.be32(100_000)))
        let profile = try #require(linear.iccProfile)
        #expect(linear.iccProfileIsSynthesized)
        #expect(Array(profile[36..<40]) == Array("acsp".utf8))
        #expect(Array(profile[16..<20]) == Array("RGB ".utf8))
        // The same chunks give the same bytes (no time stamp), so .cae files stay deterministic.
        #expect(try metadata(TestFiles.chunk("gAMA", TestFiles.be32(100_000))).iccProfile == profile)
        #expect(Array(profile[24..<36]) == [0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0])
        // The header's size field is the profile's length.
        #expect(TestFiles.be32(UInt32(profile.count)) == Array(profile[0..<4]))
        // Wide primaries (Display P3's) with the sRGB-like gamma still need a profile.
        let p3: [UInt32] = [31270, 32900, 68000, 32000, 26500, 69000, 15000, 6000]
        let wide = try metadata(
            TestFiles.chunk("gAMA", TestFiles.be32(45455)) + TestFiles.chunk("cHRM", p3.flatMap(TestFiles.be32)))
        #expect(wide.iccProfile != nil)
        #expect(try metadata(TestFiles.chunk("gAMA", TestFiles.be32(45455))).iccProfile == nil)
        #expect(
            try metadata(TestFiles.chunk("sRGB", [0]) + TestFiles.chunk("gAMA", TestFiles.be32(100_000))).iccProfile
                == nil)
    }
}
