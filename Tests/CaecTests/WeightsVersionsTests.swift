import Caec
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Foundation
import Testing

/// Spec/model-weights.md §8: a file made by superseded weights keeps decoding once newer weights of the same model
/// become the default, with the weights kept in `superseded/<model-id>/<data_crc>.caew`.
@Suite struct WeightsVersionsTests {
    /// Seeded `bmshj-hp-vr` weights with their codec tables (seed 5 is `HyperpriorCodecTests.weights`).
    static func weights(seed: UInt64) -> [UInt8] {
        let model = HyperpriorCodecTests.model
        var parameters = model.initialParameters(seed: seed)
        parameters.set("h_s.4.bias", Tensor(shape: [128], data: (0..<128).map { Float($0 % 8) * 0.5 }))
        var file = parameters.weightsFile(modelID: model.id)
        file.tensors += HyperpriorTables.codecTensors(model: model, parameters: parameters).tensors
        return file.serialized()
    }

    static func hex8(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    @Test func aFileOfSupersededWeightsDecodesWithThemAfterTheNewerBecomeTheDefault() throws {
        let older = HyperpriorCodecTests.weights
        let newer = Self.weights(seed: 6)
        let olderCodec = HyperpriorCodecTests.codec
        let newerCodec = try CaecCodec(weights: newer)
        #expect(olderCodec.model.weightsCRC != newerCodec.model.weightsCRC)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("caec-weights-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let superseded = folder.appendingPathComponent("superseded/bmshj-hp-vr")
        try FileManager.default.createDirectory(at: superseded, withIntermediateDirectories: true)
        let image = RateDistortionCodecTests.image(width: 48, height: 32, seed: 4)

        // Release 1: the older weights are the default.
        try Data(older).write(to: folder.appendingPathComponent("bmshj-hp-vr.caew"))
        let olderFiles = try [3.0, 5.5].map { q throws in try olderCodec.encode(image, quality: q) }
        for file in olderFiles {
            let codec = try CaecCodec(decoding: Caec.peek(file), searchPaths: [folder.path])
            #expect(codec.model.weightsCRC == olderCodec.model.weightsCRC)
        }

        // Release 2: the newer weights are the default; the older are kept under their data_crc.
        let kept = superseded.appendingPathComponent(Self.hex8(olderCodec.model.weightsCRC) + ".caew")
        try Data(older).write(to: kept)
        try Data(newer).write(to: folder.appendingPathComponent("bmshj-hp-vr.caew"))
        for file in olderFiles {
            let info = try Caec.peek(file)
            #expect(!newerCodec.matches(info) && olderCodec.matches(info))
            let codec = try CaecCodec(decoding: info, searchPaths: [folder.path])
            #expect(codec.model.weightsCRC == olderCodec.model.weightsCRC)
            #expect(try codec.decode(file).pixels == olderCodec.decode(file).pixels)
        }
        let newerFile = try newerCodec.encode(image, quality: 3)
        #expect(
            try CaecCodec(decoding: Caec.peek(newerFile), searchPaths: [folder.path]).model.weightsCRC
                == newerCodec.model.weightsCRC)

        // Weights that were never kept: a one-line fingerprint error naming the folder.
        let stranger = try CaecCodec(weights: Self.weights(seed: 7)).encode(image, quality: 3)
        let error = #expect(throws: CaecError.self) {
            try CaecCodec(decoding: Caec.peek(stranger), searchPaths: [folder.path])
        }
        #expect(error?.code == .modelMismatch && error?.message.hasPrefix("fingerprint mismatch") == true)
        #expect(error?.message.contains("superseded/bmshj-hp-vr (1 file there)") == true)

        // A kept file whose contents are not what its name says.
        try FileManager.default.removeItem(at: kept)
        let strangerWeights = Self.weights(seed: 7)
        try Data(strangerWeights).write(to: kept)
        let misnamed = #expect(throws: CaecError.self) {
            try CaecCodec(decoding: Caec.peek(olderFiles[0]), searchPaths: [folder.path])
        }
        #expect(misnamed?.code == .invalidModel && misnamed?.message.contains("other weights than its name") == true)
    }

    @Test func supersededNamesAreEightLowercaseHexDigits() {
        #expect(CaecCodec.weightsCRC(fileName: "0123abcd.caew") == 0x0123_ABCD)
        for name in ["0123ABCD.caew", "0123abc.caew", "0123abcde.caew", "0123abcd.bin", "bmshj-hp-vr.caew"] {
            #expect(CaecCodec.weightsCRC(fileName: name) == nil, "\(name)")
        }
    }
}
