import Caec
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

/// `CaecCodec` on `cifar-task-vr` (`bmshj-f-vr`'s shapes, its own ladder) and `cifar-task-vr8` (the same with a
/// stride-1 first stage), untrained: any size round-trips at every quality with model code 20 or 22 in the header;
/// training starts from `bmshj-f-vr`'s weights moved to its ladder.
@Suite struct TaskCodecTests {
    static func codec(_ id: String) -> CaecCodec {
        let model = ModelRegistry.rateDistortion(id)!
        let parameters = model.initialParameters(seed: 6)
        var file = parameters.weightsFile(modelID: model.id)
        file.tensors += RateDistortionTables.codecTensors(model: model, parameters: parameters).tensors
        return try! CaecCodec(weights: file.serialized())
    }

    @Test(arguments: [("cifar-task-vr", 16, UInt8(20)), ("cifar-task-vr8", 8, UInt8(22))])
    func roundTripsEveryQualityAtAnySize(id: String, rate: Int, code: UInt8) throws {
        let codec = Self.codec(id)
        #expect(codec.modelID == id && codec.rate == rate && codec.qualities == 1...8)
        for (w, h) in [(1, 1), (32, 32), (33, 17), (45, 70)] {
            let image = RateDistortionCodecTests.image(width: w, height: h, seed: UInt64(w + h))
            var sizes: [Int] = []
            for quality in codec.qualities {
                let file = try codec.encode(image, quality: quality)
                #expect(file[2] == code)
                let info = try Caec.peek(file)
                #expect(info.modelID == id && info.quality == quality)
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

    /// `cifar-task-vr8` has `cifar-task-vr`'s key table but codes a 32x32 image in a (128, 4, 4) latent, 2,048
    /// numbers instead of 512: its first convolution is stride 1 and its last transposed one stride 1 (the image
    /// comes back at 32x32).
    @Test func strideOneFirstStageQuadruplesTheLatent() {
        let wide = ModelRegistry.rateDistortion("cifar-task-vr8")!
        let plain = ModelRegistry.rateDistortion("cifar-task-vr")!
        #expect(wide.parameterSpecs.map(\.name) == plain.parameterSpecs.map(\.name))
        #expect(wide.parameterSpecs.map(\.shape) == plain.parameterSpecs.map(\.shape))
        let parameters = wide.initialParameters(seed: 2)
        let x = PixelConversion.paddedTensor(
            RateDistortionCodecTests.image(width: 32, height: 32, seed: 9), multiple: 8)
        let y = wide.analysis.forward(x, parameters)
        #expect(y.shape == [1, 128, 4, 4])
        #expect(plain.analysis.forward(x, parameters).shape == [1, 128, 2, 2])
        #expect(
            wide.decode(wide.quantizedLatent(x, quality: 3, parameters), quality: 3, parameters).shape == [
                1, 3, 32, 32,
            ])
        #expect(wide.rate == 8 && plain.rate == 16 && wide.widestActivation == 64 && plain.widestActivation == 16)
    }

    /// `cifar-task-vr8` starts from a trained `bmshj-f-vr` (stride 2 first) as `cifar-task-vr` does: the same
    /// transforms, the same rows per quality.
    @Test func strideOneModelStartsFromAStrideTwoFile() throws {
        let photo = ModelRegistry.rateDistortion("bmshj-f-vr")!
        let trained = photo.initialParameters(seed: 4)
        let file = trained.weightsFile(
            modelID: photo.id, metadata: [("lambdas", photo.lambdas.map { "\($0)" }.joined(separator: " "))])
        let wide = try ModelRegistry.rateDistortion("cifar-task-vr8")!.parameters(adapting: file)
        let plain = try ModelRegistry.rateDistortion("cifar-task-vr")!.parameters(adapting: file)
        #expect(wide.values == plain.values)
        #expect(wide.tensor("g_a.0.weight").data == trained.tensor("g_a.0.weight").data)
    }
}
