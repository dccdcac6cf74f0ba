import CaecCore
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

@Suite struct RateDistortionTrainingTests {
    static let model = RateDistortionModel(id: "bmshj-f-vr", n: 4, m: 6, lambdas: [0.005, 0.05])

    static func batch(seed: UInt64) -> Tensor {
        var random = SeededRandom(seed: seed)
        // Smooth-ish images: a gradient plus a little noise, so there is something to learn quickly.
        var data: [Float] = []
        for n in 0..<2 {
            for c in 0..<3 {
                for y in 0..<16 {
                    for x in 0..<16 {
                        data.append(0.2 + 0.03 * Float(x + y + c + n) + random.float(in: 0..<0.05))
                    }
                }
            }
        }
        return Tensor(shape: [2, 3, 16, 16], data: data)
    }

    @Test func objectiveGradientsMatchFiniteDifferences() {
        let objective = RateDistortionObjective(Self.model)
        let parameters = Self.model.initialParameters(seed: 2)
        let x = Self.batch(seed: 3)
        let qualities = [1, 0]
        var p = parameters
        var gradients = [Float](repeating: 0, count: parameters.count)
        _ = objective.figuresAndGradients(x, qualities: qualities, noiseSeed: 9, parameters: &p, gradients: &gradients)
        func loss(_ parameters: Parameters) -> Double {
            var p = parameters
            var scratch = [Float](repeating: 0, count: parameters.count)
            return Double(
                objective.figuresAndGradients(
                    x, qualities: qualities, noiseSeed: 9, parameters: &p, gradients: &scratch
                ).loss)
        }
        // Both gain tables, plus a few elements of a conv, a GDN, a deconv and the bottleneck.
        var indices: [Int] = []
        for name in ["gain.analysis", "gain.synthesis"] {
            indices += (0..<12).map { parameters.offset(of: name) + $0 }
        }
        for name in ["g_a.2.weight", "g_a.3.gamma", "g_s.4.weight", "g_s.6.bias", "entropy_bottleneck.biases.1"] {
            indices += [0, 3].map { parameters.offset(of: name) + $0 }
        }
        let analytic = indices.map { gradients[$0] }
        let numeric = centralDifferences(parameters, at: indices, step: 1e-2, loss: loss)
        let scale = numeric.reduce(1) { max($0, abs($1)) }
        expectClose(analytic, numeric, maxAbs: 2e-2 * scale)
    }

    @Test func lossDecreasesOverAFewSteps() throws {
        let objective = RateDistortionObjective(Self.model)
        var configuration = RateDistortionTrainingConfiguration(budget: .steps(30))
        configuration.batchSize = 2
        configuration.cropSide = 16
        configuration.learningRate = 3e-3
        let trainer = RateDistortionTrainer(objective: objective, configuration: configuration)
        var state = trainer.initialState()
        let mask = state.parameters.trainableMask
        let x = Self.batch(seed: 4)
        func evaluate(_ parameters: Parameters) -> Float {
            var total: Float = 0
            for quality in 0..<2 { total += objective.figures(x, quality: quality, parameters: parameters).loss }
            return total
        }
        let before = evaluate(state.parameters)
        let pixels = (0..<2).map { n in
            RGBImage(
                width: 16, height: 16,
                pixels: (0..<256 * 3).map { i in UInt8(clamping: Int(x.data[n * 768 + (i % 3) * 256 + i / 3] * 255)) })
        }
        let data = PhotoCropDataset(pixels)
        for _ in 0..<30 { _ = try trainer.step(&state, data: data, learningRate: 3e-3, mask: mask) }
        let after = evaluate(state.parameters)
        #expect(after < 0.7 * before, "loss \(before) -> \(after)")
    }

    /// An infinite learning rate: step 1 leaves non-finite parameters, the run stops with the first key and writes
    /// no checkpoint (one would otherwise be due at the end of the 5-step budget).
    @Test func divergingRunStopsWithoutACheckpoint() throws {
        let objective = RateDistortionObjective(Self.model)
        var configuration = RateDistortionTrainingConfiguration(budget: .steps(5))
        configuration.batchSize = 2
        configuration.cropSide = 16
        configuration.learningRate = .infinity
        configuration.clipNorm = 0
        let trainer = RateDistortionTrainer(objective: objective, configuration: configuration)
        let state = trainer.initialState()
        let first = try #require(state.parameters.specs.first { $0.kind == .parameter })
        let image = RGBImage(width: 16, height: 16, pixels: (0..<768).map { UInt8(truncatingIfNeeded: $0 * 37) })
        #expect(throws: TrainingError.nonFiniteParameter(step: 1, name: first.name, index: 0)) {
            try trainer.run(
                from: state, seconds: 0, data: PhotoCropDataset([image]), heldOut: [], clock: { 0 }, report: { _ in },
                checkpoint: { _, _ in Issue.record("checkpoint of a diverged run") })
        }
    }

    @Test func cropsAreSeededAndFlipped() {
        let image = RGBImage(width: 5, height: 4, pixels: (0..<60).map { UInt8($0) })
        let data = PhotoCropDataset([image])
        var a = SplitMix64(seed: 1)
        var b = SplitMix64(seed: 1)
        #expect(data.batch(count: 3, side: 2, generator: &a) == data.batch(count: 3, side: 2, generator: &b))
        // Photo planes are (3, H, W): channel 1 of pixel (x 2, y 1) is byte (1 * 5 + 2) * 3 + 1.
        #expect(data.photos[0].planes[20 + 7] == 22)
        #expect(data.centerCrop(0, multiple: 2).shape == [1, 3, 4, 4])
    }

    @Test func learningRateIsCutForTheLastFifth() {
        let configuration = RateDistortionTrainingConfiguration(budget: .steps(100))
        #expect(configuration.rate(step: 79, seconds: 0) == 1e-3)
        #expect(configuration.rate(step: 80, seconds: 0) == 1e-4)
        let timed = RateDistortionTrainingConfiguration(budget: .seconds(100))
        #expect(timed.rate(step: 0, seconds: 81) == 1e-4)
        #expect(timed.isDone(step: 0, seconds: 100))
    }
}
