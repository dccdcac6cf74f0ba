import Caec
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

/// `CaecCodec` on `cifar-task-vr` (three stages, rate 8), untrained: any size round-trips at every quality with
/// model code 20 in the header, and strips of its analysis and synthesis equal one pass.
@Suite struct TaskCodecTests {
    static let codec: CaecCodec = {
        let model = ModelRegistry.rateDistortion("cifar-task-vr")!
        let parameters = model.initialParameters(seed: 6)
        var file = parameters.weightsFile(modelID: model.id)
        file.tensors += RateDistortionTables.codecTensors(model: model, parameters: parameters).tensors
        return try! CaecCodec(weights: file.serialized())
    }()

    @Test func roundTripsEveryQualityAtAnySize() throws {
        let codec = Self.codec
        #expect(codec.modelID == "cifar-task-vr" && codec.rate == 8 && codec.qualities == 1...8)
        for (w, h) in [(1, 1), (32, 32), (33, 17), (45, 70)] {
            let image = RateDistortionCodecTests.image(width: w, height: h, seed: UInt64(w + h))
            var sizes: [Int] = []
            for quality in codec.qualities {
                let file = try codec.encode(image, quality: quality)
                #expect(file[2] == 20)
                let info = try Caec.peek(file)
                #expect(info.modelID == "cifar-task-vr" && info.quality == quality)
                let back = try codec.decode(file)
                #expect(back.width == w && back.height == h)
                sizes.append(file.count)
            }
            #expect(sizes.last! >= sizes.first!)
        }
    }

    @Test func stripsEqualOnePass() {
        let model = ModelRegistry.rateDistortion("cifar-task-vr", analysisPath: .portable)!
        #expect(model.analysisHalo == 16 && model.rate == 8)
        let parameters = model.initialParameters(seed: 5)
        var random = SeededRandom(seed: 4)
        let (H, W) = (8 * 9, 24)
        let x = Tensor(shape: [1, 3, H, W], data: random.floats(3 * H * W, in: 0..<1))
        let whole = model.analysis.forward(x, parameters)
        let runner = StripRunner(scale: (1, 8), halo: 16, inputAlign: 8, channelsPerRow: 1, budgetElements: 24)
        let strips = runner.run(x) { model.analysis.forward($0, parameters) }
        #expect(strips.data == whole.data)
        let latent = Tensor(shape: whole.shape, data: whole.data.map { $0.rounded() })
        let decodedWhole = model.decode(latent, quality: 2, parameters)
        let decoder = StripRunner(scale: (8, 1), halo: 4, inputAlign: 1, channelsPerRow: 1, budgetElements: 2)
        let decodedStrips = decoder.run(latent) { model.decode($0, quality: 2, parameters) }
        expectClose(decodedStrips.data, decodedWhole.data, maxAbs: 1e-4)
    }
}
