import Caec
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

/// `CaecCodec` on the rate-distortion family, with an untrained `bmshj-f-vr` (the shipped weights have their own
/// golden tests): files round-trip, bytes do not depend on the thread count, strips equal one pass.
@Suite struct RateDistortionCodecTests {
    static let codec: CaecCodec = {
        let model = ModelRegistry.rateDistortion("bmshj-f-vr")!
        let parameters = model.initialParameters(seed: 5)
        var file = parameters.weightsFile(modelID: model.id)
        file.tensors += RateDistortionTables.codecTensors(model: model, parameters: parameters).tensors
        return try! CaecCodec(weights: file.serialized())
    }()

    static func image(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var random = SeededRandom(seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    pixels[(y * width + x) * 3 + c] = UInt8((x * 3 + y * 2 + c * 60 + Int(random.next() % 16)) % 256)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    @Test func roundTripsEveryQualityAtOddSizes() throws {
        let codec = Self.codec
        #expect(codec.modelID == "bmshj-f-vr" && codec.rate == 16 && codec.qualities == 1...8)
        for (w, h) in [(1, 1), (33, 17), (70, 40)] {
            let image = Self.image(width: w, height: h, seed: UInt64(w))
            for quality in codec.qualities {
                let file = try codec.encode(image, quality: quality)
                let info = try Caec.peek(file)
                #expect(info.modelID == "bmshj-f-vr" && info.quality == quality)
                let back = try codec.decode(file)
                #expect(back.width == w && back.height == h)
            }
        }
    }

    @Test func bytesDoNotDependOnTheThreadCount() throws {
        let image = Self.image(width: 48, height: 40, seed: 9)
        let two = try TensorParallelism.$maxWorkers.withValue(2) { try Self.codec.encode(image, quality: 3) }
        let one = try TensorParallelism.$maxWorkers.withValue(1) { try Self.codec.encode(image, quality: 3) }
        #expect(one == two)
    }

    /// Strips equal one pass for three geometries of the family: four stages (`bmshj-f-vr`, rate 16, analysis halo
    /// 32), three (rate 8, halo 16) and four with a stride-1 first stage (`cifar-task-vr8`, rate 8, halo 16); the
    /// analysis budget is one strip row of the input's width.
    @Test(arguments: [(4, 2, 16 * 7, 32), (3, 2, 8 * 9, 24), (4, 1, 8 * 9, 24)])
    func stripsEqualOnePass(stages: Int, firstStride: Int, height H: Int, width W: Int) {
        let model = RateDistortionModel(
            id: "bmshj-f-vr", n: 8, m: 12, lambdas: [0.001, 0.01, 0.1], stages: stages, firstStride: firstStride,
            analysisPath: .portable)
        let rate = firstStride == 2 ? 1 << stages : 1 << (stages - 1)
        #expect(model.rate == rate && model.analysisHalo == 2 * rate)
        let parameters = model.initialParameters(seed: 5)
        var random = SeededRandom(seed: 4)
        let x = Tensor(shape: [1, 3, H, W], data: random.floats(3 * H * W, in: 0..<1))
        let whole = model.analysis.forward(x, parameters)
        let runner = StripRunner(
            scale: (1, model.rate), halo: model.analysisHalo, inputAlign: model.rate, channelsPerRow: 1,
            budgetElements: W)
        let strips = runner.run(x) { model.analysis.forward($0, parameters) }
        #expect(strips.data == whole.data)
        let latent = Tensor(shape: whole.shape, data: whole.data.map { $0.rounded() })
        let decodedWhole = model.decode(latent, quality: 2, parameters)
        let decoder = StripRunner(scale: (model.rate, 1), halo: 4, inputAlign: 1, channelsPerRow: 1, budgetElements: 2)
        let decodedStrips = decoder.run(latent) { model.decode($0, quality: 2, parameters) }
        expectClose(decodedStrips.data, decodedWhole.data, maxAbs: 1e-4)
    }
}
