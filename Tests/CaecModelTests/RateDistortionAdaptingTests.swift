import CaecModel
import CaecTensor
import CaecTestSupport
import Testing

/// `RateDistortionModel.parameters(adapting:)`: continuing a trained model with another lambda ladder.
struct RateDistortionAdaptingTests {
    static let sourceLambdas: [Float] = [0.002, 0.008, 0.032]

    static func trainedFile(lambdas: [Float] = sourceLambdas) -> (RateDistortionModel, Parameters, WeightsFile) {
        let model = RateDistortionModel(id: "bmshj-f-vr", n: 4, m: 6, lambdas: lambdas)
        var parameters = model.initialParameters(seed: 7)
        // Distinct values everywhere, so that a row copied from the wrong quality shows.
        var random = SeededRandom(seed: 11)
        for i in parameters.values.indices { parameters.values[i] += random.float(in: -0.2..<0.2) }
        let metadata = [("lambdas", lambdas.map { "\($0)" }.joined(separator: " "))]
        return (model, parameters, parameters.weightsFile(modelID: model.id, metadata: metadata))
    }

    @Test func sameLaddersCopyEveryValue() throws {
        let (model, parameters, file) = Self.trainedFile()
        let adapted = try model.parameters(adapting: file)
        #expect(adapted.values == parameters.values)
    }

    @Test func newQualitiesStartFromTheNearestLambdaRescaled() throws {
        let (source, trained, file) = Self.trainedFile()
        // 0.0005 is nearest 0.002 (s = 1/2), 0.008 is kept, 0.128 is nearest 0.032 (s = 2).
        let model = RateDistortionModel(id: "bmshj-f-vr", n: 4, m: 6, lambdas: [0.0005, 0.008, 0.128])
        let adapted = try model.parameters(adapting: file)
        for name in ["g_a.0.weight", "g_a.1.gamma", "g_s.6.bias"] {
            #expect(adapted.tensor(name) == trained.tensor(name), "\(name)")
        }
        let m = model.m
        let cases: [(quality: Int, source: Int, s: Float)] = [(0, 0, 0.5), (1, 1, 1), (2, 2, 2)]
        for (quality, from, s) in cases {
            let gainA = adapted.tensor("gain.analysis").data[quality * m..<(quality + 1) * m]
            let gainS = adapted.tensor("gain.synthesis").data[quality * m..<(quality + 1) * m]
            let oldA = trained.tensor("gain.analysis").data[from * m..<(from + 1) * m]
            let oldS = trained.tensor("gain.synthesis").data[from * m..<(from + 1) * m]
            expectClose(Array(gainA), oldA.map { $0 * s }, maxAbs: 1e-6)
            expectClose(Array(gainS), oldS.map { $0 / s }, maxAbs: 1e-6)
            let new = model.bottleneck.effective(adapted, quality: quality)
            let old = source.bottleneck.effective(trained, quality: from)
            expectClose(new.matrices[0].data, old.matrices[0].data.map { $0 / s }, maxAbs: 1e-5)
            for k in 1..<new.matrices.count { #expect(new.matrices[k] == old.matrices[k]) }
            #expect(new.biases == old.biases)
            #expect(new.factors == old.factors)
        }
    }

    @Test func fileWithoutLambdasIsRefused() {
        let (model, parameters, _) = Self.trainedFile()
        let file = parameters.weightsFile(modelID: model.id)
        #expect(throws: WeightsError.invalidField("no `lambdas` metadata")) { try model.parameters(adapting: file) }
    }

    @Test func otherWidthsAreRefused() {
        let (_, _, file) = Self.trainedFile()
        let wider = RateDistortionModel(id: "bmshj-f-vr", n: 8, m: 6, lambdas: Self.sourceLambdas)
        #expect(throws: WeightsError.self) { try wider.parameters(adapting: file) }
    }
}
