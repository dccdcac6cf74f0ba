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

    /// Three stages: rate 8 and an analysis halo of 16 (strips equal one pass: `RateDistortionCodecTests`).
    @Test func threeStagesHaveRate8AndHalo16() {
        let model = ModelRegistry.rateDistortion("cifar-task-vr", analysisPath: .portable)!
        #expect(model.analysisHalo == 16 && model.rate == 8)
    }
}
