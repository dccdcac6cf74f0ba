import Caec
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

/// `CaecCodec` on `cifar-task-vr` (`bmshj-f-vr`'s shapes, its own ladder), untrained: any size round-trips at every
/// quality with model code 20 in the header; training starts from `bmshj-f-vr`'s weights moved to its ladder.
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
        #expect(codec.modelID == "cifar-task-vr" && codec.rate == 16 && codec.qualities == 1...8)
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

    /// `--init-from` a `bmshj-f-vr` file: the transforms are copied, a quality whose lambda `bmshj-f-vr` has takes
    /// its rows unchanged, one above takes the top quality's gains scaled by sqrt(lambda ratio); a model of other
    /// widths is refused.
    @Test func startsFromBmshjFvrOnItsOwnLadder() throws {
        let task = ModelRegistry.rateDistortion("cifar-task-vr")!
        let photo = ModelRegistry.rateDistortion("bmshj-f-vr")!
        #expect(task.parameterSpecs.map(\.shape) == photo.parameterSpecs.map(\.shape))
        let trained = photo.initialParameters(seed: 3)
        let file = trained.weightsFile(
            modelID: photo.id, metadata: [("lambdas", photo.lambdas.map { "\($0)" }.joined(separator: " "))])
        let started = try task.parameters(adapting: file)
        for name in ["g_a.0.weight", "g_a.1.gamma", "g_s.6.weight", "g_s.5.beta"] {
            #expect(started.tensor(name).data == trained.tensor(name).data, "\(name)")
        }
        let m = task.m
        let taskGains = started.tensor("gain.analysis").data
        let photoGains = trained.tensor("gain.analysis").data
        #expect(task.lambdas[0] == photo.lambdas[0] && task.lambdas[5] == photo.lambdas[7])
        #expect(Array(taskGains[0..<m]) == Array(photoGains[0..<m]))
        #expect(Array(taskGains[5 * m..<6 * m]) == Array(photoGains[7 * m..<8 * m]))
        let s = (task.lambdas[7] / photo.lambdas[7]).squareRoot()
        for c in 0..<m {
            #expect(abs(taskGains[7 * m + c] - photoGains[7 * m + c] * s) <= 1e-6 * abs(taskGains[7 * m + c]))
        }

        let other = RateDistortionModel(id: "bmshj-f-vr", n: 8, m: 12, lambdas: [0.01])
        let small = other.initialParameters(seed: 1).weightsFile(modelID: "cae-r8", metadata: [("lambdas", "0.01")])
        #expect(throws: WeightsError.self) { try task.parameters(adapting: small) }
    }
}
