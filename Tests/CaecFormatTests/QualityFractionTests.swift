import CaecCore
import CaecFormat
import Testing

/// Spec/cae-format.md §3.5: version 1.2's `quality_fraction` field.
@Suite struct QualityFractionTests {
    /// Spec/cae-format.md §3.5's worked example, byte for byte: §10's file made by `bmshj-hp-vr` at quality 4.5.
    static let workedExample: [UInt8] = [
        0xCA, 0x12, 0x11, 0x04, 0xEF, 0xBE, 0x80, 0x1F, 0x1F, 0x05, 0x0A, 0x3E, 0x01, 0x02, 0x03, 0x04, 0x05, 0xF4,
        0x99, 0x0B, 0x47,
    ]
    static let exampleHeader = CAEHeader(
        modelCode: 17, quality: 4, fingerprint: 0xBEEF, width: 32, height: 32, payloadLength: 5,
        versionMinor: 2, qualityFraction: 128)

    @Test func writerProducesTheWorkedExample() {
        var header = Self.exampleHeader
        header.versionMinor = 0
        #expect(CAEWriter.file(header: header, payload: [1, 2, 3, 4, 5]) == Self.workedExample)
    }

    @Test func readerParsesTheWorkedExample() throws {
        let (header, payload, blocks) = try CAEReader.read(Self.workedExample)
        #expect(header == Self.exampleHeader && Array(payload) == [1, 2, 3, 4, 5] && blocks.isEmpty)
    }

    /// Integer qualities keep versions 1.0 and 1.1, byte for byte; a fraction with metadata is 1.2 with blocks.
    @Test func onlyFractionalQualitiesWriteVersionOnePointTwo() throws {
        var header = Self.exampleHeader
        header.versionMinor = 0
        header.qualityFraction = 0
        #expect(CAEWriter.file(header: header, payload: [1])[1] == 0x10)
        let block = CAEBlock(type: CAEConstants.blockXMP, critical: false, data: [0x3C])
        #expect(CAEWriter.file(header: header, payload: [1], blocks: [block])[1] == 0x11)
        header.qualityFraction = 1
        let file = CAEWriter.file(header: header, payload: [1], blocks: [block])
        #expect(file[1] == 0x12)
        let (read, _, blocks) = try CAEReader.read(file)
        #expect(read.qualityFraction == 1 && blocks == [block])
    }

    /// The header with its CRC made valid again after `change`.
    static func resealed(_ bytes: [UInt8], headerLength: Int, _ change: (inout [UInt8]) -> Void) -> [UInt8] {
        var bytes = bytes
        change(&bytes)
        let crc = UInt16(truncatingIfNeeded: CRC32.checksum(bytes[0..<headerLength]))
        bytes[headerLength] = UInt8(crc & 0xFF)
        bytes[headerLength + 1] = UInt8(crc >> 8)
        return bytes
    }

    @Test func malformedFractionsAreRefused() {
        let zero = Self.resealed(Self.workedExample, headerLength: 10) { $0[6] = 0 }
        #expect(throws: CAEFormatError.invalidField("quality fraction 0 (an integer quality)")) {
            try CAEReader.peek(zero)
        }
        #expect(throws: CAEFormatError.truncated(section: .header, needed: 7, available: 6)) {
            try CAEReader.peek(Array(Self.workedExample.prefix(6)))
        }
        // Another version byte under the same header CRC is refused.
        var older = Self.workedExample
        older[1] = 0x11
        #expect(throws: CAEFormatError.self) { try CAEReader.read(older) }
    }
}
