import Caec
import CaecFormat
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `CaecCodec` on `bmshj-hp-vr-n128` (N = 128 transforms, width-64 hyper transforms) with seeded weights built
/// here (no trained weights are shipped yet, so no golden file): files round-trip at integer and fractional
/// qualities, carry model code 21, and their z has the hyper width, not N.
@Suite struct WideHyperpriorCodecTests {
    static let model = ModelRegistry.hyperprior("bmshj-hp-vr-n128")!

    /// Random weights (seed 6) with the gains of `ContinuousQualityTests` (analysis 40 x 1.5^(q-1), synthesis its
    /// inverse) and h_s's last bias spreading the scales over the table, with their codec tables.
    static let codec: CaecCodec = {
        var parameters = model.initialParameters(seed: 6)
        parameters.set("h_s.4.bias", Tensor(shape: [128], data: (0..<128).map { Float($0 % 8) * 0.5 }))
        let gains = (0..<8).flatMap { q in [Float](repeating: 40 * pow(1.5, Float(q)), count: 128) }
        parameters.set("gain.analysis", Tensor(shape: [8, 128], data: gains))
        parameters.set("gain.synthesis", Tensor(shape: [8, 128], data: gains.map { 1 / $0 }))
        var file = parameters.weightsFile(modelID: model.id)
        file.tensors += HyperpriorTables.codecTensors(model: model, parameters: parameters).tensors
        return try! CaecCodec(weights: file.serialized())
    }()

    @Test func roundTripsIntegerAndFractionalQualities() throws {
        let codec = Self.codec
        #expect(codec.modelID == "bmshj-hp-vr-n128" && codec.rate == 16 && codec.qualities == 1...8)
        #expect(codec.continuousQualities)
        #expect(CAEConstants.modelCode(id: "bmshj-hp-vr-n128") == 21)
        let image = RateDistortionCodecTests.image(width: 70, height: 40, seed: 3)
        let latent = try codec.latent(image)
        #expect(latent.shape == [1, 128, 3, 5])
        #expect(Self.model.hyperLatentSymbols(latent, quality: 4, codec.model.parameters).shape == [1, 64, 1, 2])
        var sizes: [Int] = []
        for quality in [1.0, 2.5, 4.3, 8.0] {
            let point = try #require(ModelQuality(rounding: quality))
            let file = try codec.encode(image, quality: quality)
            let info = try Caec.peek(file)
            #expect(info.modelID == "bmshj-hp-vr-n128" && info.modelCode == 21 && info.modelQuality == point.value)
            let back = try codec.decode(file)
            #expect(back.width == 70 && back.height == 40)
            let (_, payload, _) = try CAEReader.read(file)
            let symbols = try codec.model.symbols(payload: payload, height: 3, width: 5, quality: point)
            #expect(symbols == codec.model.symbols(latent, quality: point), "quality \(quality)")
            #expect(back.pixels == (try codec.decode(codec.encode(image, quality: quality))).pixels)
            sizes.append(file.count)
        }
        #expect(sizes.first! < sizes.last!, "bytes grow with the quality: \(sizes)")
    }
}
