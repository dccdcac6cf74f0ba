import Caec
import CaecTestSupport
import Testing

/// `encode(_:quality:effort:)`: the search keeps the format and the decoder, and never loses on the model's own
/// rate + lambda x distortion.
@Suite struct EffortTests {
    /// bits per pixel + lambda * 255^2 * MSE of a file, measured on the real bytes and the real decode.
    static func loss(_ file: [UInt8], _ image: RGBImage, lambda: Double, _ codec: CaecCodec) throws -> Double {
        let decoded = try codec.decode(file)
        var squares: Double = 0
        for (a, b) in zip(decoded.pixels, image.pixels) {
            let d = (Double(a) - Double(b)) / 255
            squares += d * d
        }
        let mse = squares / Double(image.pixels.count)
        return Double(file.count * 8) / Double(image.pixelCount) + lambda * 255 * 255 * mse
    }

    @Test func effortZeroIsThePlainEncoder() throws {
        let codec = try ShippedCodecs.codec("bmshj-f-vr")
        let image = try ShippedCodecs.image("odd-97x61.png")
        #expect(try codec.encode(image, quality: 3, effort: 0) == codec.encode(image, quality: 3))
    }

    /// A search of 40 steps on a 97x61 photo crop: the file decodes with the plain decoder and its real loss is not
    /// above the plain file's (2% margin: the search measures bits with the density, the file with the tables).
    @Test(arguments: [2, 6])
    func searchNeverLosesOnTheModelsOwnLoss(quality: Int) throws {
        let codec = try ShippedCodecs.codec("bmshj-f-vr")
        let image = try ShippedCodecs.image("odd-97x61.png")
        var steps: [Int] = []
        let refined = try codec.encode(image, quality: quality, effort: 3) { done, total in
            steps.append(done)
            #expect(total == CaecCodec.iterations(effort: 3))
        }
        #expect(steps == Array(1...CaecCodec.iterations(effort: 3)))
        let plain = try codec.encode(image, quality: quality)
        let lambdas = [0.0004, 0.0018, 0.0035, 0.0067, 0.0130, 0.0250, 0.0483, 0.13]
        let lambda = lambdas[quality - 1]
        let refinedLoss = try Self.loss(refined, image, lambda: lambda, codec)
        let plainLoss = try Self.loss(plain, image, lambda: lambda, codec)
        #expect(refinedLoss <= plainLoss * 1.02, "refined \(refinedLoss), plain \(plainLoss)")
        #expect(Array(refined.prefix(4)) == Array(plain.prefix(4)))  // same header start: same format, model, quality
    }

    @Test func modelsWithoutSearchIgnoreEffort() throws {
        let codec = try ShippedCodecs.codec("cae-r8")
        let image = try ShippedCodecs.image("cifar-test-0001-horse.png")
        #expect(!codec.supportsEffort)
        #expect(try codec.encode(image, quality: 2, effort: 5) == codec.encode(image, quality: 2))
    }

    @Test func effortOutsideTheRangeIsAnInvalidArgument() throws {
        let codec = try ShippedCodecs.codec("bmshj-f-vr")
        let image = try ShippedCodecs.image("cifar-test-0001-horse.png")
        #expect(throws: CaecError.self) { try codec.encode(image, quality: 2, effort: CaecCodec.maxEffort + 1) }
        #expect(throws: CaecError.self) { try codec.encode(image, quality: 2, effort: -1) }
    }
}
