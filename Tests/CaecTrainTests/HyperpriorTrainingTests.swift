import CaecCore
import CaecEntropy
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

/// The hyperprior's training objective (gradients by finite differences, the loss falls) and its initialisation
/// from a factorized model.
@Suite struct HyperpriorTrainingTests {
    static let model = HyperpriorModel(
        id: "bmshj-hp-vr", factorizedID: "bmshj-f-vr", n: 4, m: 6, lambdas: [0.005, 0.05])

    /// 2 images of 32x32: y is 2x2 (so h_s's 4x4 output is cropped), z 1x1.
    static func batch(seed: UInt64, side: Int = 32) -> Tensor {
        var random = SeededRandom(seed: seed)
        var data: [Float] = []
        for n in 0..<2 {
            for c in 0..<3 {
                for y in 0..<side {
                    for x in 0..<side {
                        data.append(0.2 + 0.015 * Float(x + y + c + n) + random.float(in: 0..<0.1))
                    }
                }
            }
        }
        return Tensor(shape: [2, 3, side, side], data: data)
    }

    @Test func gaussianLikelihoodDerivativesMatchFiniteDifferences() {
        for (v, s) in [(0.3, 0.8), (-1.7, 2.5), (4.0, 1.2), (0.0, 0.4), (-12.0, 30.0)] as [(Float, Float)] {
            let values = Tensor(shape: [1, 1, 1, 1], data: [v])
            let scales = Tensor(shape: [1, 1, 1, 1], data: [s])
            let (p, pullback) = GaussianConditional.likelihoodsTraining(values, scales: scales)
            let (dv, ds) = pullback(Tensor(shape: [1, 1, 1, 1], data: [1]))
            let h = 1e-3
            func mass(_ v: Double, _ s: Double) -> Double {
                GaussianConditional.phi((0.5 - abs(v)) / s) - GaussianConditional.phi((-0.5 - abs(v)) / s)
            }
            #expect(abs(Double(p.data[0]) - mass(Double(v), Double(s))) < 1e-6)
            let numericV = (mass(Double(v) + h, Double(s)) - mass(Double(v) - h, Double(s))) / (2 * h)
            let numericS = (mass(Double(v), Double(s) + h) - mass(Double(v), Double(s) - h)) / (2 * h)
            #expect(abs(Double(dv.data[0]) - numericV) < 1e-4, "d/dv at \(v), \(s)")
            #expect(abs(Double(ds.data[0]) - numericS) < 1e-4, "d/ds at \(v), \(s)")
        }
    }

    @Test func objectiveGradientsMatchFiniteDifferences() {
        let objective = HyperpriorObjective(Self.model)
        var parameters = Self.model.initialParameters(seed: 2)
        // Give h_s some output: its last bias sets the scales, away from ReLU's kink and the 0.11 bound.
        parameters.set("h_s.4.bias", Tensor(shape: [6], data: [0.6, 0.9, 1.3, 0.7, 2.0, 1.1]))
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
        var indices: [Int] = []
        for name in ["gain.analysis", "gain.synthesis"] { indices += (0..<12).map { parameters.offset(of: name) + $0 } }
        for name in [
            "g_a.2.weight", "g_s.4.weight", "h_a.0.weight", "h_a.4.bias", "h_s.0.weight", "h_s.4.weight", "h_s.4.bias",
            "entropy_bottleneck.biases.1",
        ] {
            indices += [0, 3].map { parameters.offset(of: name) + $0 }
        }
        let analytic = indices.map { gradients[$0] }
        let numeric = centralDifferences(parameters, at: indices, step: 1e-2, loss: loss)
        let scale = numeric.reduce(1) { max($0, abs($1)) }
        expectClose(analytic, numeric, maxAbs: 2e-2 * scale)
        // The hyper transforms do get gradient (the rate of y reaches them through the scales).
        #expect(gradients[parameters.offset(of: "h_s.4.bias")] != 0)
        #expect(gradients[parameters.offset(of: "h_a.4.bias")] != 0)
    }

    @Test func lossDecreasesOverAFewSteps() throws {
        let objective = HyperpriorObjective(Self.model)
        var configuration = RateDistortionTrainingConfiguration(budget: .steps(30))
        configuration.batchSize = 2
        configuration.cropSide = 32
        configuration.learningRate = 3e-3
        let trainer = RateDistortionTrainer(objective: objective, configuration: configuration)
        var state = trainer.initialState()
        let mask = state.parameters.trainableMask
        let x = Self.batch(seed: 4)
        func evaluate(_ parameters: Parameters) -> Float {
            (0..<2).reduce(0) { $0 + objective.figures(x, quality: $1, parameters: parameters).loss }
        }
        let before = evaluate(state.parameters)
        let pixels = (0..<2).map { n in
            RGBImage(
                width: 32, height: 32,
                pixels: (0..<1024 * 3).map { i in
                    UInt8(clamping: Int(x.data[n * 3072 + (i % 3) * 1024 + i / 3] * 255))
                })
        }
        let data = PhotoCropDataset(pixels)
        for _ in 0..<30 { _ = try trainer.step(&state, data: data, learningRate: 3e-3, mask: mask) }
        let after = evaluate(state.parameters)
        #expect(after < 0.7 * before, "loss \(before) -> \(after)")
    }

    /// `--freeze g_a.,g_s.,gain.`: a run trains the hyper transforms and z's density only.
    @Test func frozenPrefixesStayFixed() throws {
        var configuration = RateDistortionTrainingConfiguration(budget: .steps(3))
        configuration.batchSize = 2
        configuration.cropSide = 32
        configuration.frozenPrefixes = ["g_a.", "g_s.", "gain."]
        let trainer = RateDistortionTrainer(objective: HyperpriorObjective(Self.model), configuration: configuration)
        let start = trainer.initialState()
        let image = RGBImage(width: 40, height: 40, pixels: (0..<4800).map { UInt8(truncatingIfNeeded: $0 * 37) })
        let (state, _) = try trainer.run(
            from: start, seconds: 0, data: PhotoCropDataset([image]), heldOut: [], clock: { 0 }, report: { _ in },
            checkpoint: { _, _ in })
        #expect(state.step == 3)
        for spec in start.parameters.specs {
            let same = state.parameters.tensor(spec.name) == start.parameters.tensor(spec.name)
            let frozen = configuration.frozenPrefixes.contains(where: spec.name.hasPrefix)
            if frozen { #expect(same, "\(spec.name) changed") }
            if spec.name.hasPrefix("h_") && spec.name.hasSuffix(".weight") { #expect(!same, "\(spec.name) fixed") }
        }
    }

    /// `--lr-scale entropy_bottleneck.=10`: the mask carries the factor and Adam's step is that many times larger.
    @Test func learningRateScalesMultiplyAdamsStep() {
        var configuration = RateDistortionTrainingConfiguration(budget: .steps(1))
        configuration.frozenPrefixes = ["g_a."]
        configuration.learningRateScales = [("entropy_bottleneck.", 10)]
        let trainer = RateDistortionTrainer(objective: HyperpriorObjective(Self.model), configuration: configuration)
        let parameters = Self.model.initialParameters(seed: 1)
        let mask = trainer.trainingMask(parameters)
        let density = parameters.offset(of: "entropy_bottleneck.biases.0")
        let hyper = parameters.offset(of: "h_s.0.weight")
        #expect(mask[density] == 10 && mask[hyper] == 1 && mask[parameters.offset(of: "g_a.0.weight")] == 0)
        let gradients = (0..<parameters.count).map { Float($0 % 7) - 3.5 }
        var plain = Adam(count: parameters.count)
        var scaled = Adam(count: parameters.count)
        var a = parameters.values
        var b = parameters.values
        plain.step(values: &a, gradients: gradients, mask: parameters.trainableMask, learningRate: 1e-3)
        scaled.step(values: &b, gradients: gradients, mask: mask, learningRate: 1e-3)
        #expect(a[hyper] == b[hyper])
        let ratio = (b[density] - parameters.values[density]) / (a[density] - parameters.values[density])
        #expect(abs(ratio - 10) < 1e-3, "ratio \(ratio)")
    }

    /// `--init-from` a factorized model: g_a, g_s and the gains are the file's, h_a, h_s and z's density fresh.
    @Test func initialisesFromTheFactorizedModel() throws {
        let factorized = RateDistortionModel(id: "bmshj-f-vr", n: 4, m: 6, lambdas: [0.005, 0.05])
        let trained = factorized.initialParameters(seed: 77)
        let file = trained.weightsFile(modelID: "bmshj-f-vr", metadata: [("lambdas", "0.005 0.05")])
        let parameters = try Self.model.parameters(initialisingFrom: file, seed: 1)
        for name in ["g_a.0.weight", "g_a.1.gamma", "g_s.6.bias", "gain.analysis", "gain.synthesis"] {
            #expect(parameters.tensor(name) == trained.tensor(name), "\(name)")
        }
        let fresh = Self.model.initialParameters(seed: 1)
        for name in ["h_a.0.weight", "h_s.4.bias", "entropy_bottleneck.matrices.0"] {
            #expect(parameters.tensor(name) == fresh.tensor(name), "\(name)")
        }
        // Its own weights load unchanged.
        let own = try Self.model.parameters(
            initialisingFrom: parameters.weightsFile(modelID: "bmshj-hp-vr"), seed: 5)
        #expect(own.values == parameters.values)
    }
}
