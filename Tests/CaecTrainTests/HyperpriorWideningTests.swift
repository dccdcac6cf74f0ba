import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

/// Function-preserving widening (`HyperpriorModel.widened`): a wide model made from a narrow one's parameters has
/// the narrow model's training forward (rate and distortion terms) and inference, up to the order of float sums,
/// and its zero-initialised reads of the new channels move at the first optimiser step.
@Suite struct HyperpriorWideningTests {
    static let lambdas: [Float] = [0.005, 0.05]
    /// N = 4 widened to an odd N = 7; M and the hyper width (3, not N) stay.
    static let narrow = HyperpriorModel(id: "narrow", factorizedID: nil, n: 4, m: 6, hyperChannels: 3, lambdas: lambdas)
    static let wide = HyperpriorModel(id: "wide", factorizedID: nil, n: 7, m: 6, hyperChannels: 3, lambdas: lambdas)

    /// Seeded parameters of `model` moved off their initialisation: GDN's gamma plus U(0, 0.1), so it has non-zero
    /// effective entries off the diagonal, everything else plus U(-0.01, 0.01); h_s's last bias sets scales away
    /// from the 0.11 bound.
    static func trained(_ model: HyperpriorModel, seed: UInt64) -> Parameters {
        var parameters = model.initialParameters(seed: seed)
        var random = SeededRandom(seed: seed ^ 0xABCD)
        for spec in model.parameterSpecs {
            let offset = parameters.offset(of: spec.name)
            let range: Range<Float> = spec.name.hasSuffix(".gamma") ? 0..<0.1 : -0.01..<0.01
            for i in offset..<offset + spec.count { parameters.values[i] += random.float(in: range) }
        }
        parameters.set("h_s.4.bias", Tensor(shape: [model.m], data: (0..<model.m).map { 0.6 + 0.3 * Float($0 % 5) }))
        return parameters
    }

    /// The training forward (same crops, qualities and noise) of both models, and the wide model's gradients.
    static func forward(
        narrow: HyperpriorModel, _ narrowParameters: Parameters, wide: HyperpriorModel, _ wideParameters: Parameters
    ) -> (narrow: RateDistortionFigures, wide: RateDistortionFigures, gradients: [Float]) {
        let x = HyperpriorTrainingTests.batch(seed: 3)
        var (p, q) = (narrowParameters, wideParameters)
        var narrowGradients = [Float](repeating: 0, count: p.count)
        var wideGradients = [Float](repeating: 0, count: q.count)
        let a = HyperpriorObjective(narrow).figuresAndGradients(
            x, qualities: [0, 1], noiseSeed: 9, parameters: &p, gradients: &narrowGradients)
        let b = HyperpriorObjective(wide).figuresAndGradients(
            x, qualities: [0, 1], noiseSeed: 9, parameters: &q, gradients: &wideGradients)
        return (a, b, wideGradients)
    }

    /// |a - b| within `relative` of |a|.
    static func close(_ a: Float, _ b: Float, relative: Float) -> Bool { abs(a - b) <= relative * abs(a) }

    /// The entries of `name` (rank 4) whose index along `axis` is at least `from`.
    static func entries(_ parameters: Parameters, _ name: String, axis: Int, from: Int) -> [Float] {
        let t = parameters.tensor(name)
        let inner = t.shape[(axis + 1)...].reduce(1, *)
        return t.data.indices.filter { $0 / inner % t.shape[axis] >= from }.map { t.data[$0] }
    }

    @Test func wideModelComputesTheNarrowFunction() {
        let trained = Self.trained(Self.narrow, seed: 21)
        let widened = Self.wide.widened(trained, of: Self.narrow, seed: 3)
        let (a, b, _) = Self.forward(narrow: Self.narrow, trained, wide: Self.wide, widened)
        #expect(a.bpp > 0.01 && a.mse > 1e-4, "the forward is not degenerate: \(a)")
        #expect(Self.close(a.bpp, b.bpp, relative: 1e-5), "rate \(a.bpp) against \(b.bpp)")
        #expect(Self.close(a.mse, b.mse, relative: 1e-5), "distortion \(a.mse) against \(b.mse)")
        #expect(Self.close(a.loss, b.loss, relative: 1e-5), "loss \(a.loss) against \(b.loss)")
        // Inference with rounding: the same reconstruction and bits.
        let x = HyperpriorTrainingTests.batch(seed: 4)
        for quality in 0..<2 {
            let (narrowImage, narrowBits) = Self.narrow.reconstruct(x, quality: quality, trained)
            let (wideImage, wideBits) = Self.wide.reconstruct(x, quality: quality, widened)
            expectClose(wideImage.data, narrowImage.data, maxAbs: 1e-5)
            for (n, w) in zip(narrowBits, wideBits) { #expect(abs(n - w) <= 1e-5 * n, "bits \(n) against \(w)") }
        }
    }

    /// Old blocks copied, new output channels the wide model's usual initialisation, reads of new channels 0, GDN's
    /// cross terms effectively 0; after one Adam step the reads are no longer all 0.
    @Test func newChannelsStartAsSpecifiedAndMoveAfterOneStep() {
        let trained = Self.trained(Self.narrow, seed: 22)
        var widened = Self.wide.widened(trained, of: Self.narrow, seed: 3)
        let fresh = Self.wide.initialParameters(seed: 3)
        for name in ["h_a.2.weight", "h_s.4.bias", "entropy_bottleneck.matrices.0", "gain.analysis", "gain.synthesis"] {
            #expect(widened.tensor(name) == trained.tensor(name), "\(name) copied whole")
        }
        let oldBlock = Array(widened.tensor("g_a.2.weight").data[(1 * 7 + 3) * 25..<(1 * 7 + 4) * 25])
        #expect(oldBlock == Array(trained.tensor("g_a.2.weight").data[(1 * 4 + 3) * 25..<(1 * 4 + 4) * 25]))
        // New output channels of g_a.0 (3 -> N): fresh, as the usual initialisation draws them.
        #expect(
            Self.entries(widened, "g_a.0.weight", axis: 0, from: 4)
                == Self.entries(fresh, "g_a.0.weight", axis: 0, from: 4))
        // Reads of new channels: input axis 1 of convolutions, 0 of transposed convolutions.
        let reads = [
            ("g_a.2.weight", 1), ("g_a.4.weight", 1), ("g_a.6.weight", 1), ("g_s.2.weight", 0),
            ("g_s.4.weight", 0), ("g_s.6.weight", 0),
        ]
        for (name, axis) in reads {
            #expect(Self.entries(widened, name, axis: axis, from: 4).allSatisfy { $0 == 0 }, "\(name) reads 0")
        }
        for key in ["g_a.1", "g_a.5", "g_s.3"] {
            let gdn = GDNLayer(key, channels: 7)
            let (beta, gamma) = gdn.effective(widened)
            let (oldBeta, oldGamma) = GDNLayer(key, channels: 4).effective(trained)
            #expect(Array(beta.data[..<4]) == oldBeta.data && beta.data[4...].allSatisfy { abs($0 - 1) < 1e-6 })
            for i in 0..<7 {
                for j in 0..<7 {
                    let g = gamma.data[i * 7 + j]
                    if i < 4 && j < 4 {
                        #expect(g == oldGamma.data[i * 4 + j])
                    } else if i == j {
                        #expect(abs(g - 0.1) < 1e-6, "\(key) new diagonal")
                    } else {
                        #expect(g == 0, "\(key) gamma[\(i), \(j)] between old and new channels")
                    }
                }
            }
        }
        let (_, _, gradients) = Self.forward(narrow: Self.narrow, trained, wide: Self.wide, widened)
        var adam = Adam(count: widened.count)
        adam.step(
            values: &widened.values, gradients: gradients, mask: [Float](repeating: 1, count: widened.count),
            learningRate: 1e-3)
        for (name, axis) in reads {
            #expect(Self.entries(widened, name, axis: axis, from: 4).contains { $0 != 0 }, "\(name) moved")
        }
    }

    /// The registry's `bmshj-hp-vr-n128` from a `bmshj-hp-vr` weights file (`--init-from`): the same training
    /// figures at the shipped widths; a factorized model's file is refused.
    @Test func n128InitialisesFromBmshjHpVr() throws {
        let narrow = try #require(ModelRegistry.hyperprior("bmshj-hp-vr"))
        let wide = try #require(ModelRegistry.hyperprior("bmshj-hp-vr-n128"))
        #expect(wide.n == 128 && wide.m == 128 && wide.hyperChannels == 64 && wide.lambdas == narrow.lambdas)
        #expect(narrow.n == 64 && narrow.hyperChannels == 64)
        #expect(ModelRegistry.parameterSpecs("bmshj-hp-vr-n128")?.reduce(0) { $0 + $1.count } == 3_158_339)
        let trained = Self.trained(narrow, seed: 23)
        let parameters = try wide.parameters(
            initialisingFrom: trained.weightsFile(modelID: "bmshj-hp-vr"), seed: 4)
        let (a, b, _) = Self.forward(narrow: narrow, trained, wide: wide, parameters)
        #expect(Self.close(a.bpp, b.bpp, relative: 1e-4), "rate \(a.bpp) against \(b.bpp)")
        #expect(Self.close(a.mse, b.mse, relative: 1e-4), "distortion \(a.mse) against \(b.mse)")
        let factorized = RateDistortionModel(id: "bmshj-f-vr", n: 64, m: 128, lambdas: narrow.lambdas)
        let file = factorized.initialParameters(seed: 1).weightsFile(modelID: "bmshj-f-vr")
        #expect(throws: WeightsError.wrongModel(expected: "bmshj-hp-vr", found: "bmshj-f-vr")) {
            _ = try wide.parameters(initialisingFrom: file, seed: 4)
        }
    }
}
