import Caec
import CaecCore
import CaecFormat
import CaecTestSupport
import Testing

/// Damaged `.cae` files, each mapped to its exact error code and message.
@Suite struct InvalidFileTests {
    /// A valid cae-r8 file of the 32x32 horse at quality 4.
    static func validFile() throws -> (codec: CaecCodec, bytes: [UInt8]) {
        let codec = try ShippedCodecs.codec("cae-r8")
        return (codec, try codec.encode(ShippedCodecs.image("cifar-test-0001-horse.png"), quality: 4))
    }

    /// Re-serialises `bytes` with a changed header (CRCs recomputed), optionally replacing the payload.
    static func rewritten(_ bytes: [UInt8], payload newPayload: [UInt8]? = nil, _ change: (inout CAEHeader) -> Void)
        throws -> [UInt8]
    {
        let (header, payload, _) = try CAEReader.read(bytes)
        var changed = header
        change(&changed)
        return CAEWriter.file(header: changed, payload: newPayload ?? Array(payload))
    }

    static let cases = [
        "empty", "truncated-1", "truncated-header", "truncated-payload", "truncated-crc", "bad-signature",
        "newer-major", "unknown-model", "other-model", "fingerprint-mismatch", "header-crc", "payload-crc",
        "oversized", "trailing-garbage", "payload-past-end", "payload-leftover", "unknown-quality",
    ]

    static func damaged(_ name: String) throws -> (bytes: [UInt8], code: CaecError.Code, message: String) {
        let (_, good) = try validFile()
        let headerLength = try CAEReader.peek(good).payloadOffset
        var bytes = good
        switch name {
        case "empty": return ([], .invalidFile, "empty input (0 bytes)")
        case "truncated-1": return ([0xCA], .invalidFile, "truncated header")
        case "truncated-header": return (Array(good[0..<6]), .invalidFile, "truncated header")
        case "truncated-payload": return (Array(good[0..<headerLength + 10]), .invalidFile, "truncated payload")
        case "truncated-crc": return (Array(good.dropLast(2)), .invalidFile, "truncated payload")
        case "bad-signature":
            bytes[0] = 0x89
            return (bytes, .invalidFile, "not a .cae file (bad signature)")
        case "newer-major":
            bytes[1] = 0x20
            return (bytes, .unsupportedVersion, ".cae version 2.x is newer than this caec reads (1.x): upgrade caec")
        case "unknown-model":
            return (try rewritten(good) { $0.modelCode = 200 }, .modelMismatch, "code 200")
        case "other-model":
            return (try rewritten(good) { $0.modelCode = 2 }, .modelMismatch, "made by model cae-r4, not cae-r8")
        case "fingerprint-mismatch":
            return (try rewritten(good) { $0.fingerprint ^= 0x0101 }, .modelMismatch, "fingerprint mismatch")
        case "header-crc":
            bytes[headerLength - 1] ^= 0xFF
            return (bytes, .invalidFile, "header CRC mismatch")
        case "payload-crc":
            bytes[headerLength + 3] ^= 0x10
            return (bytes, .invalidFile, "payload CRC mismatch")
        case "oversized":
            return (try rewritten(good) { $0.width = 40000 }, .tooLarge, "image is 40000x32, over the size limit")
        case "trailing-garbage": return (good + [0, 0, 0], .invalidFile, "3 bytes of trailing data after the payload")
        case "payload-past-end":
            let (_, payload, _) = try CAEReader.read(good)
            return (
                try rewritten(good, payload: Array(payload.dropLast(20))) { _ in }, .invalidFile,
                "payload: "
            )
        case "payload-leftover":
            let (_, payload, _) = try CAEReader.read(good)
            return (try rewritten(good, payload: Array(payload) + [7, 7]) { _ in }, .invalidFile, "payload: ")
        case "unknown-quality":
            return (try rewritten(good) { $0.quality = 40 }, .modelMismatch, "quality 40")
        default: preconditionFailure(name)
        }
    }

    @Test(arguments: cases)
    func damagedFileRaisesItsExactError(name: String) throws {
        let (codec, _) = try Self.validFile()
        let (bytes, code, message) = try Self.damaged(name)
        do {
            _ = try codec.decode(bytes)
            Issue.record("\(name) decoded")
        } catch {
            #expect(error.code == code, "\(name): \(error.message)")
            #expect(error.message.contains(message), "\(name): \(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func everyTruncationFailsCleanly() throws {
        let (codec, good) = try Self.validFile()
        for length in 0..<good.count {
            #expect(throws: CaecError.self) { try codec.decode(Array(good[0..<length])) }
        }
    }

    @Test func peekReadsTheHeaderOnly() throws {
        let (_, good) = try Self.validFile()
        let info = try Caec.peek(Array(good.dropLast(4)))
        #expect(info.modelID == "cae-r8" && info.quality == 4 && info.width == 32 && info.height == 32)
    }

    /// `CaecFileInfo` is a public value of its own: each field equals the header's, the sizes add up, and a gray
    /// file says so in `colourCode`.
    @Test func fileInfoFieldsMatchTheHeader() throws {
        let (_, good) = try Self.validFile()
        let info = try Caec.peek(good)
        let (header, headerLength) = try CAEReader.peek(good)
        #expect(info.version.major == Int(header.versionMajor) && info.version.minor == Int(header.versionMinor))
        #expect(info.modelCode == Int(header.modelCode) && info.fingerprint == header.fingerprint)
        #expect(info.colourCode == 0 && info.payloadBytes == header.payloadLength)
        #expect(info.headerBytes == headerLength && info.fileBytes == good.count)
        #expect(info.headerBytes + info.payloadBytes < info.fileBytes)
        #expect(info.header == header)
        let gray = try Self.rewritten(good) { $0.colour = CAEConstants.colourGray8 }
        #expect(try Caec.peek(gray).colourCode == 1)
        #expect(try Caec.peek(gray) != info)
    }
}
