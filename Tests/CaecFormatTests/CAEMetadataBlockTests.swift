import CaecCore
import CaecFormat
import Testing

/// Version 1.1: the gray colour code and metadata blocks (Spec/cae-format.md §4, §11).
@Suite struct CAEMetadataBlockTests {
    /// Spec/cae-format.md §11.5, byte for byte: the §10 example made gray, with one XMP block `<x/>`.
    static let workedExample: [UInt8] = [
        0xCA, 0x11, 0x03, 0x45, 0xEF, 0xBE, 0x1F, 0x1F, 0x05, 0x74, 0x5A, 0x01, 0x02, 0x03, 0x04, 0x05, 0xF4, 0x99,
        0x0B, 0x47, 0x03, 0x04, 0x3C, 0x78, 0x2F, 0x3E, 0xFA, 0x2E, 0xB4, 0xF1,
    ]
    static let grayHeader = CAEHeader(
        modelCode: 3, quality: 5, fingerprint: 0xBEEF, width: 32, height: 32, payloadLength: 5,
        colour: CAEConstants.colourGray8)
    static let xmpBlock = CAEBlock(type: CAEConstants.blockXMP, data: Array("<x/>".utf8))

    @Test func writerProducesTheSpecsWorkedExample() {
        #expect(
            CAEWriter.file(header: Self.grayHeader, payload: [1, 2, 3, 4, 5], blocks: [Self.xmpBlock])
                == Self.workedExample)
    }

    @Test func readerParsesTheSpecsWorkedExample() throws {
        let (header, payload, blocks) = try CAEReader.read(Self.workedExample)
        #expect(header.versionMinor == 1 && header.colour == CAEConstants.colourGray8)
        #expect(Array(payload) == [1, 2, 3, 4, 5])
        #expect(blocks == [Self.xmpBlock])
    }

    /// Without blocks and in colour, the file stays version 1.0, byte for byte; gray alone makes it 1.1.
    @Test func plainFilesStayVersion10() throws {
        let plain = CAEHeader(modelCode: 3, quality: 5, fingerprint: 0xBEEF, width: 32, height: 32, payloadLength: 5)
        let file = CAEWriter.file(header: plain, payload: [1, 2, 3, 4, 5])
        #expect(file[1] == 0x10)
        #expect(file.count - 5 == 15)
        let gray = CAEWriter.file(header: Self.grayHeader, payload: [1, 2, 3, 4, 5])
        #expect(gray[1] == 0x11 && gray.count == file.count)
        #expect(try CAEReader.read(gray).blocks.isEmpty)
    }

    @Test func blocksRoundTripInOrder() throws {
        let blocks = [
            CAEBlock(type: CAEConstants.blockICCProfile, data: [UInt8](repeating: 0xAB, count: 300)),
            CAEBlock(type: CAEConstants.blockEXIF, data: [0x4D, 0x4D, 0, 42]),
            CAEBlock(type: 77, data: [1, 2, 3]),  // unknown, not critical: kept and skippable
            CAEBlock(type: CAEConstants.blockXMP, data: []),
        ]
        let file = CAEWriter.file(header: Self.grayHeader, payload: [9, 9], blocks: blocks)
        #expect(try CAEReader.read(file).blocks == blocks)
    }

    /// The damaged or unsupported 1.1 files and their exact errors.
    static func invalidFiles() -> [(name: String, bytes: [UInt8], error: CAEFormatError)] {
        let good = workedExample
        var badCRC = good
        badCRC[22] ^= 0x01
        let critical = CAEWriter.file(
            header: grayHeader, payload: [1, 2, 3, 4, 5], blocks: [CAEBlock(type: 42, critical: true, data: [7])])
        let twice = CAEWriter.file(header: grayHeader, payload: [1, 2, 3, 4, 5], blocks: [xmpBlock, xmpBlock])
        var colour2 = CAEWriter.headerBytes(
            CAEHeader(
                modelCode: 3, quality: 5, fingerprint: 0xBEEF, width: 32, height: 32, payloadLength: 0, colour: 2,
                versionMinor: 1))
        colour2 += [0, 0, 0, 0]
        return [
            (
                "crc-block.cae", badCRC,
                .checksumMismatch(
                    section: .metadata, declared: 0xF1B4_2EFA,
                    computed: CRC32.checksum([0x03, 0x04, 0x3D, 0x78, 0x2F, 0x3E]))
            ),
            ("truncated-block.cae", Array(good[0..<27]), .truncated(section: .metadata, needed: 30, available: 27)),
            (
                "truncated-block-length.cae", Array(good[0..<21]),
                .truncated(section: .metadata, needed: 22, available: 21)
            ),
            ("critical-unknown-block.cae", critical, .unsupportedCriticalBlock(type: 42)),
            ("duplicate-block.cae", twice, .invalidField("metadata block of type 3 appears twice")),
            ("colour-2.cae", colour2, .unsupportedColour(code: 2)),
        ]
    }

    @Test(arguments: invalidFiles())
    func invalidFileRaisesItsExactError(name: String, bytes: [UInt8], error: CAEFormatError) {
        #expect(throws: error, "\(name)") { try CAEReader.read(bytes) }
    }

    @Test func everyTruncationThrowsAndNeverTraps() {
        // A cut inside the blocks is an error, except exactly between blocks (after the payload CRC), which is a
        // valid file without those blocks.
        for length in 0..<Self.workedExample.count where length != 20 {
            #expect(throws: CAEFormatError.self) { try CAEReader.read(Array(Self.workedExample[0..<length])) }
        }
    }
}
