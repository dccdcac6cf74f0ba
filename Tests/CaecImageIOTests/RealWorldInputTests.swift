import CaecCore
import Testing

@testable import CaecImageIO

/// Files that real software writes and that caec must read: huge ancillary chunks, harmless libjpeg warnings,
/// PNG eXIf orientation; and damaged or unsupported files, each refused with its exact error.
@Suite struct RealWorldInputTests {
    static let image = TestFiles.distinctImage(width: 5, height: 3)

    /// Ancillary chunks of 3 MiB (libpng's default limit is 8 MB, caec's used to be 1 MiB) are skipped unread,
    /// compressed or not, known or private.
    @Test(arguments: ["tEXt", "zTXt", "iTXt", "iCCP", "prVt"])
    func hugeAncillaryChunkIsSkipped(type: String) throws {
        let payload = Array("Comment".utf8) + [0] + [UInt8](repeating: 0x61, count: 3 << 20)
        let bytes = TestFiles.png(Self.image, ancillary: TestFiles.chunk(type, payload))
        let decoded = try ImageReader.decode(bytes)
        #expect(decoded.image == Self.image)
        #expect(decoded.warnings == [])
    }

    /// A chunk that claims more bytes than the file holds is refused before anything is allocated for it.
    @Test func chunkLongerThanTheFileIsRefused() throws {
        var bytes = TestFiles.png(Self.image, ancillary: TestFiles.chunk("tEXt", Array("a\u{0}b".utf8)))
        bytes.replaceSubrange(33..<37, with: TestFiles.be32(0x7FFF_FFFF))
        #expect(throws: ImageIOError.corrupt(format: .png, detail: "tEXt: chunk data is too large")) {
            try ImageReader.read(bytes)
        }
    }

    /// A bad CRC on a chunk caec ignores anyway costs no pixel: the read succeeds with libpng's warning.
    @Test func ancillaryCRCErrorIsAWarning() throws {
        var text = TestFiles.chunk("tEXt", Array("Title\u{0}caec".utf8))
        text[text.count - 1] ^= 0xFF
        let decoded = try ImageReader.decode(TestFiles.png(Self.image, ancillary: text))
        #expect(decoded.image == Self.image)
        #expect(decoded.warnings == ["tEXt: CRC error"])
    }

    /// A file cut right after its image data (no IEND) is damage libpng steps over: strict reads fail and say
    /// --lenient would decode it, lenient reads return every pixel and the problem as a warning.
    @Test func missingIENDIsRecoverable() throws {
        let bytes = Array(TestFiles.png(Self.image).dropLast(12))
        let error = ImageIOError.truncated(format: .png, recoverable: true)
        #expect(throws: error) { try ImageReader.read(bytes) }
        #expect(error.description == "truncated PNG data (--lenient decodes it anyway)")
        let decoded = try ImageReader.decode(bytes, options: .init(lenient: true))
        #expect(decoded.image == Self.image)
        #expect(decoded.warnings == ["unexpected end of data"])
    }

    /// A file cut inside its image data (a partial download): strict reads fail and offer --lenient; lenient reads
    /// keep the rows that arrived, repeat the last one below them, and say so in two warnings. Image data in 64-byte
    /// IDAT chunks, and in one chunk cut inside the first 8 KiB (libpng's default read of image data).
    @Test(arguments: [64, 1 << 20])
    func fileCutInsideTheImageDataIsRecoverable(chunkBytes: Int) throws {
        let (width, height) = (4, 40)
        let pixels = (0..<width * height * 3).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
        let image = RGBImage(width: width, height: height, pixels: pixels)
        var raw: [UInt8] = []
        for y in 0..<height { raw += [0] + pixels[(y * width * 3)..<((y + 1) * width * 3)] }
        let zlib = TestFiles.storedZlib(raw)
        let header = TestFiles.be32(UInt32(width)) + TestFiles.be32(UInt32(height)) + [8, 2, 0, 0, 0]
        var whole: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10] + TestFiles.chunk("IHDR", header)
        for start in stride(from: 0, to: zlib.count, by: chunkBytes) {
            whole += TestFiles.chunk("IDAT", Array(zlib[start..<min(start + chunkBytes, zlib.count)]))
        }
        whole += TestFiles.chunk("IEND", [])
        #expect(try ImageReader.decode(whole).image == image)
        let bytes = Array(whole.prefix(whole.count * 3 / 4))
        #expect(throws: ImageIOError.truncated(format: .png, recoverable: true)) { try ImageReader.read(bytes) }
        let decoded = try ImageReader.decode(bytes, options: .init(lenient: true))
        #expect(decoded.image.width == width && decoded.image.height == height)
        let kept = try #require(
            decoded.warnings.last.flatMap { $0.split(separator: " ").dropFirst(5).first }.flatMap { Int($0) },
            "\(decoded.warnings)")
        #expect(decoded.warnings.last == "image data ends after row \(kept) of 40; the rows below repeat the last one")
        #expect(kept > 5 && kept < 35)
        let rowBytes = width * 3
        #expect(decoded.image.pixels[..<(kept * rowBytes)] == pixels[..<(kept * rowBytes)])
        let last = Array(pixels[((kept - 1) * rowBytes)..<(kept * rowBytes)])
        for y in kept..<height {
            #expect(Array(decoded.image.pixels[(y * rowBytes)..<((y + 1) * rowBytes)]) == last, "row \(y)")
        }
    }

    /// A bad CRC on IDAT is fatal even for a lenient read, so the error does not offer --lenient.
    @Test func idatCRCErrorIsNotRecoverable() throws {
        var bytes = TestFiles.png(Self.image)
        bytes[bytes.count - 13] ^= 0xFF  // the last byte of IDAT's CRC (IEND is 12 bytes)
        #expect(throws: ImageIOError.corrupt(format: .png, detail: "IDAT: CRC error", recoverable: false)) {
            try ImageReader.read(bytes)
        }
    }

    // MARK: - PNG eXIf

    /// Orientation 6 (turn 90 degrees clockwise to view) on a 3x2 image, pixel by pixel: stored rows `A B C` /
    /// `D E F` come out as rows `D A` / `E B` / `F C`. With and without the "Exif\0\0" prefix some writers add.
    @Test(arguments: [false, true])
    func exifOrientationIsApplied(prefixed: Bool) throws {
        let stored = TestFiles.distinctImage(width: 3, height: 2)
        let tiff = (prefixed ? Array("Exif".utf8) + [0, 0] : []) + TestFiles.exifTIFF(orientation: 6)
        let bytes = TestFiles.png(stored, ancillary: TestFiles.chunk("eXIf", tiff))
        let upright = try ImageReader.read(bytes)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(stored.pixels[(y * 3 + x) * 3..<(y * 3 + x) * 3 + 3]) }
        let (a, b, c, d, e, f) = (pixel(0, 0), pixel(1, 0), pixel(2, 0), pixel(0, 1), pixel(1, 1), pixel(2, 1))
        #expect(upright == RGBImage(width: 2, height: 3, pixels: d + a + e + b + f + c))
    }

    /// An eXIf chunk whose CRC is wrong is not trusted (a lenient read keeps the stored orientation).
    @Test func exifWithBadCRCIsIgnoredWhenLenient() throws {
        var exif = TestFiles.chunk("eXIf", TestFiles.exifTIFF(orientation: 6))
        exif[exif.count - 1] ^= 0xFF
        let bytes = TestFiles.png(Self.image, ancillary: exif)
        #expect(try ImageReader.read(bytes, options: .init(lenient: true)) == Self.image)
    }

    // MARK: - JPEG warnings

    static func baselineJPEG() throws -> [UInt8] {
        try JPEGWriter.encode(TestFiles.distinctImage(width: 5, height: 3), quality: 90, subsampling: .yuv444)
    }

    /// Some baseline encoders write Ss=0, Se=0 in SOS; libjpeg warns (JWRN_NOT_SEQUENTIAL) and decodes the file
    /// exactly as if the fields were right. caec does the same, with the warning.
    @Test(arguments: [false, true])
    func zeroSpectralSelectionDecodesWithAWarning(lenient: Bool) throws {
        let plain = try Self.baselineJPEG()
        var patched = plain
        let sos = try #require(TestFiles.offset(ofMarker: 0xDA, in: plain))
        let components = Int(plain[sos + 4])
        let spectral = sos + 5 + 2 * components
        #expect(plain[spectral] == 0 && plain[spectral + 1] == 63)
        patched[spectral + 1] = 0
        let decoded = try ImageReader.decode(patched, options: .init(lenient: lenient))
        #expect(decoded.image == (try ImageReader.read(plain)))
        #expect(decoded.warnings == ["Invalid SOS parameters for sequential JPEG"])
    }

    /// Damaged JPEG data stays an error by default, one that says a lenient read would get through.
    @Test(arguments: [
        ("bad-truncated.jpg", ImageIOError.truncated(format: .jpeg, recoverable: true), "Premature end of JPEG file"),
        (
            "bad-huffman.jpg", .corrupt(format: .jpeg, detail: "bad Huffman code", recoverable: true),
            "Corrupt JPEG data: bad Huffman code"
        ),
    ])
    func damagedJPEGIsRecoverable(name: String, error: ImageIOError, firstWarning: String) throws {
        let bytes = try Fixtures.bytes(name)
        #expect(throws: error) { try ImageReader.read(bytes) }
        #expect(error.description.hasSuffix(" (--lenient decodes it anyway)"))
        let decoded = try ImageReader.decode(bytes, options: .init(lenient: true))
        #expect(decoded.warnings.first == firstWarning)
    }

    /// Processes libjpeg does not implement are "unsupported", not "corrupt": the SOF marker or the precision of
    /// a valid baseline file is changed.
    @Test(arguments: [
        (0xC0 as UInt8, 12 as UInt8, "12-bit precision"),
        (0xC3, 8, "lossless (SOF3)"),
        (0xC5, 8, "hierarchical (SOF5)"),
        (0xCF, 8, "hierarchical arithmetic (SOF15)"),
    ])
    func unsupportedProcessIsNamed(marker: UInt8, precision: UInt8, process: String) throws {
        var bytes = try Self.baselineJPEG()
        let sof = try #require(TestFiles.offset(ofMarker: 0xC0, in: bytes))
        bytes[sof + 1] = marker
        bytes[sof + 4] = precision
        let error = ImageIOError.unsupportedProcess(format: .jpeg, process: process)
        #expect(throws: error) { try ImageReader.read(bytes) }
        #expect(throws: error) { try ImageReader.read(bytes, options: .init(lenient: true)) }
        #expect(error.description == "unsupported JPEG process: \(process)")
    }
}
