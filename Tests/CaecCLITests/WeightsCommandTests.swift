import Foundation
import Testing

/// Model weights holding NaN or an infinity are refused by the built `caec` as corrupt weights (78).
@Suite struct WeightsCommandTests {
    /// CRC-32 (the polynomial of zlib and PNG), bit by bit: the test builds its weights file without caec's code.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }

    /// A weights file (Spec/model-weights.md §2) for `modelID` with one f32 tensor `name` of shape (4), whose
    /// element 2 is `value`; both CRCs are right.
    static func weightsFile(modelID: String, name: String, value: Float) -> [UInt8] {
        var header = Array("CAEW".utf8) + [1, 0, 0, 0]
        header += [UInt8(modelID.utf8.count)] + Array(modelID.utf8)
        header += [0, 0]  // no metadata
        header += le32(1)  // one tensor
        header += [UInt8(name.utf8.count)] + Array(name.utf8) + [0, 0, 1] + le32(4)  // parameter, f32, rank 1
        header += le32(crc32(header))
        let data = [Float(0.5), -1, value, 2].flatMap { le32($0.bitPattern) }
        return header + data + le32(crc32(data))
    }

    @Test(arguments: [Float.nan, .infinity])
    func nonFiniteWeightsAreCorruptWeights(value: Float) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path("models"), withIntermediateDirectories: false)
        let weights = directory.path("models/cae-r4.caew")
        try Data(Self.weightsFile(modelID: "cae-r4", name: "enc.0.weight", value: value))
            .write(to: URL(fileURLWithPath: weights))
        let result = try CaecProcess.run([
            "encode", ConvertCommandTests.sample("basn2c08.png"), directory.path("out.cae"), "--model", "cae-r4",
            "--models", directory.path("models"),
        ])
        #expect(result.status == 78)
        #expect(
            result.stderr
                == "caec: error: \(weights): tensor 'enc.0.weight' holds a non-finite value (NaN or infinity) at element 2\n"
        )
        #expect(!FileManager.default.fileExists(atPath: directory.path("out.cae")))
    }
}
