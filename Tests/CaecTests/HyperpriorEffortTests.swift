import Caec
import CaecFormat
import CaecModel
import CaecTensor
import CaecTestSupport
import Testing

/// `--effort` on the scale-hyperprior family, with the seeded `bmshj-hp-vr` of `ContinuousQualityTests`: the search
/// never raises the model's own hard loss, its files decode with the plain decoder and code the z whose scales
/// coded y, effort 0 is the plain encoder, and interpolated qualities and target sizes search too.
@Suite struct HyperpriorEffortTests {
    static let codec = ContinuousQualityTests.codec
    static let model = HyperpriorCodecTests.model

    static func image(seed: UInt64) -> RGBImage {
        RateDistortionCodecTests.image(width: 61, height: 45, seed: seed)
    }

    /// The model's hard loss of `symbols` coded with `z`: y's bits under z's table scales, z's bits, and
    /// lambda x 255^2 x MSE of the decoded image, as `HyperpriorModel.refinedSymbols` measures it.
    static func hardLoss(_ symbols: [Int32], z: Tensor, image: RGBImage, quality: ModelQuality) throws -> Double {
        let parameters = codec.model.parameters
        let latent = try codec.latent(image)
        let (h, w) = (latent.shape[2], latent.shape[3])
        let bits = model.hardBits(symbols, z: z, quality: quality, height: h, width: w, parameters)
        let input = paddedInput(image)
        let decoded = model.synthesis(
            Tensor(shape: latent.shape, data: symbols.map(Float.init)), quality: quality, parameters)
        let mse = LatentSearch.meanSquaredError(decoded, image: input, width: image.width, height: image.height)
        return bits / Double(image.pixelCount) + Double(model.lambda(at: quality)) * 255 * 255 * mse
    }

    static func paddedInput(_ image: RGBImage) -> Tensor { PixelConversion.paddedTensor(image, multiple: 16) }

    /// On seeded images at trained and interpolated qualities, the searched symbols (with the z they come with)
    /// never have a higher hard loss than the encoder's own symbols with their z; and the search does find lower
    /// ones on most of them, so the comparison is not empty.
    @Test func searchNeverRaisesTheHardLoss() throws {
        let parameters = Self.codec.model.parameters
        var improved = 0
        var cases = 0
        for seed: UInt64 in [1, 2, 3] {
            let image = Self.image(seed: seed)
            let input = Self.paddedInput(image)
            let latent = try Self.codec.latent(image)
            for quality in [ModelQuality(index: 2), ModelQuality(index: 4, fraction: 128), ModelQuality(index: 7)] {
                let plain = Self.model.refinedSymbols(
                    image: input, width: image.width, height: image.height, latent: latent, quality: quality,
                    iterations: 0, seed: seed, parameters, progress: { _ in })
                #expect(plain.symbols == Self.codec.model.symbols(latent, quality: quality) && plain.hyperLatent == nil)
                let refined = Self.model.refinedSymbols(
                    image: input, width: image.width, height: image.height, latent: latent, quality: quality,
                    iterations: 30, seed: seed, parameters, progress: { _ in })
                let z = Self.model.hyperLatentSymbols(latent, quality: quality, parameters)
                let plainLoss = try Self.hardLoss(plain.symbols, z: z, image: image, quality: quality)
                let refinedZ = try #require(refined.hyperLatent)
                let refinedLoss = try Self.hardLoss(refined.symbols, z: refinedZ, image: image, quality: quality)
                #expect(refinedLoss <= plainLoss, "seed \(seed), quality \(quality)")
                cases += 1
                if refinedLoss < plainLoss { improved += 1 }
            }
        }
        #expect(improved * 2 > cases, "the search improved \(improved) of \(cases) cases")
    }

    /// A searched file decodes with the plain decoder; its z stream is the z the search returned and its y symbols
    /// are the searched ones, decoded with that z's table indices.
    @Test(arguments: [3.0, 5.25])
    func searchedFilesDecodeWithThePlainDecoder(quality: Double) throws {
        let codec = Self.codec
        let image = Self.image(seed: 7)
        let point = try #require(ModelQuality(rounding: quality))
        let file = try codec.encode(image, quality: quality, effort: 2)
        let info = try Caec.peek(file)
        #expect(info.modelQuality == quality)
        let decoded = try codec.decode(file)
        #expect(decoded.width == image.width && decoded.height == image.height)
        let latent = try codec.latent(image)
        let refined = Self.model.refinedSymbols(
            image: Self.paddedInput(image), width: image.width, height: image.height, latent: latent,
            quality: point, iterations: CaecCodec.iterations(effort: 2),
            seed: UInt64(point.index) << 48 ^ UInt64(point.fraction) << 40 ^ UInt64(image.width) << 24
                ^ UInt64(image.height), codec.model.parameters, progress: { _ in })
        let (_, payload, _) = try CAEReader.read(file)
        let symbols = try codec.model.symbols(
            payload: payload, height: latent.shape[2], width: latent.shape[3], quality: point)
        #expect(symbols == refined.symbols)
        let expected = codec.model.payload(
            symbols: refined.symbols, latent: latent, quality: point, hyperLatent: refined.hyperLatent)
        #expect(Array(payload) == expected)
    }

    @Test(arguments: [2.0, 4.5, 8.0])
    func effortZeroIsThePlainEncoder(quality: Double) throws {
        let image = Self.image(seed: 4)
        #expect(Self.codec.supportsEffort)
        #expect(try Self.codec.encode(image, quality: quality, effort: 0) == Self.codec.encode(image, quality: quality))
    }

    /// `--target-size` with effort on the continuous scale: the searched file fits, at a quality no lower than the
    /// plain encoder's choice, and decodes.
    @Test func targetSizeSearchesOnTheContinuousScale() throws {
        let codec = Self.codec
        let image = Self.image(seed: 5)
        let budget = try codec.encode(image, quality: 4.5).count
        let plain = try codec.encode(image, targetBytes: budget)
        var steps = 0
        let searched = try codec.encode(image, targetBytes: budget, effort: 1) { _, _ in steps += 1 }
        #expect(searched.file.count <= budget && searched.quality >= plain.quality)
        #expect(searched.file != plain.file, "the search's file replaced the plain one")
        #expect(steps >= CaecCodec.iterations(effort: 1))
        let info = try Caec.peek(searched.file)
        #expect(info.modelQuality == searched.quality)
        _ = try codec.decode(searched.file)
    }
}
