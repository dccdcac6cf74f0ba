import CaecCore
import CaecFormat
import Testing

@Suite struct CAEContainerTests {
    /// Spec/cae-format.md §10, byte for byte.
    static let workedExample: [UInt8] = [
        0xCA, 0x10, 0x03, 0x05, 0xEF, 0xBE, 0x1F, 0x1F, 0x05, 0x86, 0x50, 0x01, 0x02, 0x03, 0x04, 0x05, 0xF4, 0x99,
        0x0B, 0x47,
    ]
    static let exampleHeader = CAEHeader(
        modelCode: 3, quality: 5, fingerprint: 0xBEEF, width: 32, height: 32, payloadLength: 5)

    @Test func writerProducesTheSpecsWorkedExample() {
        #expect(CAEWriter.file(header: Self.exampleHeader, payload: [1, 2, 3, 4, 5]) == Self.workedExample)
    }

    @Test func readerParsesTheSpecsWorkedExample() throws {
        let (header, payload, _) = try CAEReader.read(Self.workedExample)
        #expect(header == Self.exampleHeader)
        #expect(header.modelID == "cae-r8")
        #expect(Array(payload) == [1, 2, 3, 4, 5])
    }

    @Test(arguments: [(0, 15), (127, 15), (128, 16), (16383, 16), (16384, 17)])
    func containerOverhead(payloadLength: Int, overhead: Int) {
        let header = CAEHeader(modelCode: 1, quality: 0, fingerprint: 0, width: 32, height: 32, payloadLength: 0)
        let file = CAEWriter.file(header: header, payload: [UInt8](repeating: 7, count: payloadLength))
        #expect(file.count - payloadLength == overhead)
    }

    @Test(arguments: [(1, 1), (33, 17), (2000, 3), (16384, 16384), (65536, 1)])
    func dimensionsRoundTrip(width: Int, height: Int) throws {
        let header = CAEHeader(
            modelCode: 2, quality: 63, fingerprint: 1, width: width, height: height, payloadLength: 0)
        let file = CAEWriter.file(header: header, payload: [9])
        let limits = ImageLimits(maxWidth: 65536, maxHeight: 65536, maxPixels: 1 << 32)
        let (read, _, _) = try CAEReader.read(file, limits: limits)
        #expect(read.width == width && read.height == height && read.quality == 63)
    }

    /// PngSuite-style table: each damaged file and the exact error it must raise.
    static func invalidFiles() -> [(name: String, bytes: [UInt8], error: CAEFormatError)] {
        let good = workedExample
        func replacing(_ index: Int, _ value: UInt8) -> [UInt8] {
            var bytes = good
            bytes[index] = value
            return bytes
        }
        func withHeaderCRC(_ bytes: [UInt8], headerLength: Int = 9) -> [UInt8] {
            var fixed = bytes
            let crc = CRC32.checksum(bytes[0..<headerLength])
            fixed[headerLength] = UInt8(crc & 0xFF)
            fixed[headerLength + 1] = UInt8(crc >> 8 & 0xFF)
            return fixed
        }
        let huge = CAEWriter.headerBytes(
            CAEHeader(modelCode: 3, quality: 0, fingerprint: 0, width: 20000, height: 20000, payloadLength: 0))
        return [
            ("empty.cae", [], .empty),
            ("bad-magic.cae", replacing(0, 0x89), .badSignature(found: 0x89)),
            ("newer-major.cae", replacing(1, 0x20), .unsupportedVersion(major: 2, newestSupported: 1)),
            ("truncated-header.cae", Array(good[0..<7]), .truncated(section: .header, needed: 8, available: 7)),
            ("truncated-crc.cae", Array(good[0..<10]), .truncated(section: .header, needed: 11, available: 10)),
            (
                "crc-header.cae", replacing(4, 0xEE),
                .checksumMismatch(
                    section: .header, declared: 0x5086,
                    computed: CRC32.checksum([0xCA, 0x10, 3, 5, 0xEE, 0xBE, 0x1F, 0x1F, 5]) & 0xFFFF)
            ),
            ("colour-1.cae", withHeaderCRC(replacing(3, 0x45)), .unsupportedColour(code: 1)),
            ("oversized.cae", huge + [0, 0, 0, 0], .dimensionsTooLarge(width: 20000, height: 20000)),
            ("truncated-payload.cae", Array(good[0..<14]), .truncated(section: .payload, needed: 20, available: 14)),
            (
                "truncated-payload-crc.cae", Array(good[0..<18]),
                .truncated(section: .payload, needed: 20, available: 18)
            ),
            (
                "crc-payload.cae", replacing(12, 0x7F),
                .checksumMismatch(
                    section: .payload, declared: 0x470B_99F4, computed: CRC32.checksum([1, 0x7F, 3, 4, 5]))
            ),
            ("trailing-garbage.cae", good + [0x00, 0x42], .trailingData(count: 2)),
            (
                "overlong-varint.cae",
                withHeaderCRC([0xCA, 0x10, 3, 5, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0, 0], headerLength: 11),
                .invalidField("width out of range")
            ),
        ]
    }

    @Test(arguments: invalidFiles())
    func invalidFileRaisesItsExactError(name: String, bytes: [UInt8], error: CAEFormatError) {
        #expect(throws: error, "\(name)") { try CAEReader.read(bytes) }
    }

    @Test func everyTruncationThrowsAndNeverTraps() {
        for length in 0..<Self.workedExample.count {
            #expect(throws: CAEFormatError.self) { try CAEReader.read(Array(Self.workedExample[0..<length])) }
        }
    }
}
