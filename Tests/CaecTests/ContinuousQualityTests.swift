import Caec
import CaecCore
import CaecFormat
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Foundation
import Testing

/// The continuous quality scale of `bmshj-hp-vr` (Spec/cae-format.md §3.5, §9.2) with the seeded weights of
/// `HyperpriorCodecTests`: interpolated qualities decode, integer ones are the bytes they were, the header stores
/// the quality exactly, target sizes bisect to within 1% of the budget, and `bmshj-f-vr` stays integer.
@Suite struct ContinuousQualityTests {
    /// `HyperpriorCodecTests`' seeded weights with gains that make the rate grow with the quality, as trained
    /// gains do: analysis gain 40 x 1.5^(q-1) (the untrained latent is small), synthesis its inverse.
    static let codec: CaecCodec = {
        let model = HyperpriorCodecTests.model
        var parameters = model.initialParameters(seed: 5)
        parameters.set("h_s.4.bias", Tensor(shape: [128], data: (0..<128).map { Float($0 % 8) * 0.5 }))
        let gains = (0..<8).flatMap { q in [Float](repeating: 40 * pow(1.5, Float(q)), count: 128) }
        parameters.set("gain.analysis", Tensor(shape: [8, 128], data: gains))
        parameters.set("gain.synthesis", Tensor(shape: [8, 128], data: gains.map { 1 / $0 }))
        var file = parameters.weightsFile(modelID: model.id)
        file.tensors += HyperpriorTables.codecTensors(model: model, parameters: parameters).tensors
        return try! CaecCodec(weights: file.serialized())
    }()

    static func image(width: Int, height: Int, seed: UInt64) -> RGBImage {
        RateDistortionCodecTests.image(width: width, height: height, seed: seed)
    }

    @Test func integerQualitiesGiveTheBytesOfTheIntegerEncoder() throws {
        let image = Self.image(width: 70, height: 40, seed: 3)
        #expect(Self.codec.continuousQualities && !RateDistortionCodecTests.codec.continuousQualities)
        for quality in Self.codec.qualities {
            let file = try Self.codec.encode(image, quality: Double(quality))
            #expect(file == (try Self.codec.encode(image, quality: quality)))
            #expect(file[1] == 0x10, "an integer quality is a version 1.0 file")
        }
    }

    /// Fractional qualities write version 1.2 with the exact step, decode, and their symbols are those of the
    /// interpolated gains; neighbouring steps are distinct operating points.
    @Test(arguments: [1.5, 3.25, 4.3, 7.99609375])
    func fractionalQualitiesRoundTripAndStoreTheStepExactly(quality: Double) throws {
        let codec = Self.codec
        let image = Self.image(width: 70, height: 40, seed: 3)
        let point = try #require(ModelQuality(rounding: quality))
        let file = try codec.encode(image, quality: quality)
        let info = try Caec.peek(file)
        #expect(info.version == (1, 2) && file[1] == 0x12)
        #expect(info.quality == Int(quality) && info.modelQuality == point.value)
        #expect(info.modelQuality == (quality == 4.3 ? 4 + 77.0 / 256 : quality))
        let back = try codec.decode(file)
        #expect(back.width == 70 && back.height == 40)
        let latent = try codec.latent(image)
        let (_, payload, _) = try CAEReader.read(file)
        let symbols = try codec.model.symbols(payload: payload, height: 3, width: 5, quality: point)
        #expect(symbols == codec.model.symbols(latent, quality: point))
        let next = try codec.encode(image, quality: ModelQuality(units: point.units + 1).value)
        #expect(next != file)
        // Gray and metadata still ride along (version 1.2 keeps 1.1's blocks).
        let gray = try codec.encode(
            image, quality: quality, metadata: CaecMetadata(xmp: Array("<x/>".utf8), isGray: true))
        let decoded = try codec.decodeWithMetadata(gray)
        #expect(decoded.metadata.isGray && decoded.metadata.xmp == Array("<x/>".utf8))
    }

    /// Decoding at quality 4.5 reconstructs with the interpolated synthesis gains: its PSNR to the image lies
    /// near those of qualities 4 and 5, and its pixels differ from both.
    @Test func interpolatedQualityDecodesBetweenItsNeighbours() throws {
        let image = Self.image(width: 64, height: 48, seed: 8)
        let decoded = try [4.0, 4.5, 5.0].map { q throws in try Self.codec.decode(Self.codec.encode(image, quality: q))
        }
        #expect(decoded[1].pixels != decoded[0].pixels && decoded[1].pixels != decoded[2].pixels)
    }

    @Test func everyPercentIsADistinctOperatingPoint() throws {
        let scaled = try (0...100).map { p throws(CaecError) in try Self.codec.scaledQuality(percent: p) }
        #expect(scaled.first == 1 && scaled.last == 8 && scaled[50] == 4.5)
        #expect(zip(scaled, scaled.dropFirst()).allSatisfy { $0 < $1 })
        #expect(scaled.allSatisfy { ModelQuality(rounding: $0)!.value == $0 })
        // The factorized family keeps its integer mapping.
        #expect(try RateDistortionCodecTests.codec.scaledQuality(percent: 50) == 5)
    }

    @Test func qualitiesOffTheScaleAreRefused() throws {
        let image = Self.image(width: 16, height: 16, seed: 1)
        #expect(throws: CaecError(.invalidArgument, "quality 8.5 is outside 1...8 for bmshj-hp-vr")) {
            try Self.codec.encode(image, quality: 8.5)
        }
        #expect(throws: CaecError(.invalidArgument, "quality 0.99 is outside 1...8 for bmshj-hp-vr")) {
            try Self.codec.encode(image, quality: 0.99)
        }
        #expect(throws: CaecError(.invalidArgument, "quality nan is outside 1...8 for bmshj-hp-vr")) {
            try Self.codec.encode(image, quality: .nan)
        }
        #expect(
            throws: CaecError(.invalidArgument, "quality 3.5 is not an integer; bmshj-f-vr has integer qualities only")
        ) { try RateDistortionCodecTests.codec.encode(image, quality: 3.5) }
        let three = try RateDistortionCodecTests.codec.encode(image, quality: 3.0)
        #expect(three == (try RateDistortionCodecTests.codec.encode(image, quality: 3)))
    }

    static func rewritten(_ file: [UInt8], _ change: (inout CAEHeader) -> Void) throws -> [UInt8] {
        let (header, payload, blocks) = try CAEReader.read(file)
        var changed = header
        change(&changed)
        return CAEWriter.file(header: changed, payload: Array(payload), blocks: blocks)
    }

    @Test func malformedFractionsAreRefusedWithOneLine() throws {
        let image = Self.image(width: 32, height: 32, seed: 2)
        let file = try Self.codec.encode(image, quality: 4.5)
        // quality_fraction 0 in a 1.2 header.
        var zero = file
        zero[6] = 0
        let crcOffset = try CAEReader.peek(file).payloadOffset - 2
        let crc = UInt16(truncatingIfNeeded: CRC32.checksum(zero[0..<crcOffset]))
        zero[crcOffset] = UInt8(crc & 0xFF)
        zero[crcOffset + 1] = UInt8(crc >> 8)
        #expect(throws: CaecError(.invalidFile, "invalid header: quality fraction 0 (an integer quality)")) {
            try Caec.peek(zero)
        }
        // Beyond the top quality, or below the lowest.
        #expect(throws: CaecError(.modelMismatch, "file uses quality 8.5, which bmshj-hp-vr does not have")) {
            try Self.codec.decode(try Self.rewritten(file) { $0.quality = 8 })
        }
        #expect(throws: CaecError(.modelMismatch, "file uses quality 0.5, which bmshj-hp-vr does not have")) {
            try Self.codec.decode(try Self.rewritten(file) { $0.quality = 0 })
        }
        // Another fraction than the one the fingerprint was made with.
        let error = #expect(throws: CaecError.self) {
            try Self.codec.decode(try Self.rewritten(file) { $0.qualityFraction = 129 })
        }
        #expect(error?.code == .modelMismatch && error?.message.hasPrefix("fingerprint mismatch") == true)
        // A fraction on a model whose qualities are integers.
        let factorized = try RateDistortionCodecTests.codec.encode(image, quality: 4)
        #expect(
            throws: CaecError(
                .modelMismatch, "file uses quality 4.5, which bmshj-f-vr does not have (its qualities are integers)")
        ) { try RateDistortionCodecTests.codec.decode(try Self.rewritten(factorized) { $0.qualityFraction = 128 }) }
    }

    /// §7: a fractional quality's fingerprint covers its fraction byte; an integer one's is unchanged.
    @Test func fingerprintsCoverTheFraction() {
        let model = Self.codec.model
        #expect(model.fingerprint(quality: ModelQuality(index: 4)) == model.fingerprint(quality: 4))
        var bytes: [UInt8] = []
        for shift in stride(from: 0, to: 32, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: model.weightsCRC >> shift))
        }
        #expect(
            model.fingerprint(quality: ModelQuality(index: 4, fraction: 128))
                == UInt16(truncatingIfNeeded: CRC32.checksum(bytes + [4, 128])))
    }

    /// Bisection lands within 1% of budgets between the lowest and the highest quality's sizes, never over them.
    @Test(arguments: [(96, 64, 1), (128, 128, 2), (160, 96, 3)])
    func targetSizesLandWithinOnePercentNeverOver(width: Int, height: Int, seed: UInt64) throws {
        let codec = Self.codec
        let image = Self.image(width: width, height: height, seed: seed)
        let smallest = try codec.encode(image, quality: 1).count
        let largest = try codec.encode(image, quality: 8).count
        #expect(largest > 2 * smallest)
        for fraction in [0.1, 0.3, 0.5, 0.75, 0.95] {
            let budget = smallest + Int(Double(largest - smallest) * fraction)
            let (file, quality) = try codec.encode(image, targetBytes: budget)
            #expect(file.count <= budget)
            #expect(Double(file.count) >= 0.99 * Double(budget), "\(file.count) for \(budget) at \(quality)")
            #expect(file == (try codec.encode(image, quality: quality)))
            let bpp = Double(budget * 8) / Double(image.pixelCount)
            let byRate = try codec.encode(image, targetBitsPerPixel: bpp)
            #expect(byRate.file.count <= budget && Double(byRate.file.count) >= 0.99 * Double(budget))
        }
        let top = try codec.encode(image, targetBytes: largest + 100)
        #expect(top.quality == 8 && top.file.count == largest)
        #expect(throws: CaecError.self) { try codec.encode(image, targetBytes: smallest - 1) }
    }

    /// The horse at quality 4.5 with the seeded weights, as the integer golden of `HyperpriorCodecTests`.
    @Test func fractionalEncodingMatchesTheGoldenFile() throws {
        let image = try ShippedCodecs.image("cifar-test-0001-horse.png")
        let bytes = try Self.codec.encode(image, quality: 4.5)
        guard
            let golden = Golden.bytes(
                "Samples/golden/bmshj-hp-vr/seeded-cifar-test-0001-horse-q4.5.cae", recording: bytes)
        else { return }
        #expect(bytes == golden)
        #expect(try Caec.peek(golden).modelQuality == 4.5)
        let back = try Self.codec.decode(golden)
        #expect(back.width == 32 && back.height == 32)
    }
}
