import CaecCore
import CaecModel
import CaecTensor
import CaecTestSupport
import Testing

/// `L = sum(weights * layer(input))` in Float64 from a Float forward.
private func weightedSum(_ output: Tensor, _ weights: Tensor) -> Double {
    zip(output.data, weights.data).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// Checks a pullback against central differences for the input and every parameter (every element, or a seeded
/// sample of `samples` elements of large tensors): each within `relative * max(1, max|numeric|)` of its tensor.
private func expectLayerGradients(
    _ forward: @escaping (Tensor, Parameters) -> Tensor,
    training: (Tensor, inout Parameters) -> (output: Tensor, pullback: Pullback),
    input: Tensor, parameters: Parameters, seed: UInt64, step: Float = 1e-2, relative: Float = 3e-3,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var random = SeededRandom(seed: seed)
    var trainingParameters = parameters
    let (output, pullback) = training(input, &trainingParameters)
    let weights = Tensor(shape: output.shape, data: random.floats(output.count))
    var gradients = [Float](repeating: 0, count: parameters.count)
    let dInput = pullback(weights, &gradients)
    #expect(dInput.shape == input.shape, sourceLocation: sourceLocation)

    var numericInput = [Float](repeating: 0, count: input.count)
    for i in 0..<input.count {
        var plus = input
        var minus = input
        plus.data[i] += step
        minus.data[i] -= step
        numericInput[i] = Float(
            (weightedSum(forward(plus, parameters), weights) - weightedSum(forward(minus, parameters), weights))
                / (2 * Double(step)))
    }
    let inputScale = numericInput.reduce(1) { max($0, abs($1)) }
    expectClose(dInput.data, numericInput, maxAbs: relative * inputScale, sourceLocation: sourceLocation)

    for spec in parameters.specs where spec.kind == .parameter {
        let offset = parameters.offset(of: spec.name)
        var analytic: [Float] = []
        var numeric: [Float] = []
        for j in 0..<spec.count {
            let i = offset + j
            var plus = parameters
            var minus = parameters
            plus.values[i] += step
            minus.values[i] -= step
            analytic.append(gradients[i])
            numeric.append(
                Float(
                    (weightedSum(forward(input, plus), weights) - weightedSum(forward(input, minus), weights))
                        / (2 * Double(step))))
        }
        let scale = numeric.reduce(1) { max($0, abs($1)) }
        if let failure = closeness(analytic, numeric, maxAbs: relative * scale) {
            Issue.record(Comment(rawValue: "\(spec.name): \(failure)"), sourceLocation: sourceLocation)
        }
    }
}

@Suite struct RateDistortionLayerTests {
    @Test(arguments: [false, true])
    func gdnLayerGradientsMatchFiniteDifferences(inverse: Bool) {
        let layer = GDNLayer("gdn", channels: 3, inverse: inverse, path: .reference)
        var parameters = Parameters(specs: layer.parameterSpecs, seed: 1)
        // Move away from the initial identity so off-diagonal gammas matter; keep stored values above the bounds.
        var random = SeededRandom(seed: inverse ? 71 : 72)
        for i in parameters.values.indices { parameters.values[i] += random.float(in: 0.05..<0.4) }
        let x = Tensor(shape: [2, 3, 2, 3], data: random.floats(36, in: -1.5..<1.5))
        expectLayerGradients(
            layer.forward, training: layer.forwardTraining, input: x, parameters: parameters, seed: 5, step: 1e-2)
    }

    @Test func gdnLayerStartsAtBetaOneGammaTenthIdentity() {
        let layer = GDNLayer("gdn", channels: 3)
        let (beta, gamma) = layer.effective(Parameters(specs: layer.parameterSpecs, seed: 1))
        expectClose(beta.data, [1, 1, 1], maxAbs: 1e-6)
        expectClose(gamma.data, [0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.1], maxAbs: 1e-6)
    }

    @Test func gdnLowerBoundPassesOnlyUpwardGradients() {
        let stored = Tensor(shape: [2], data: [0, 0])
        let g = GDNLayer.storedGradient(Tensor(shape: [2], data: [1, -1]), stored: stored, bound: 0.01)
        // dL/dEffective = 1 wants the value lower: blocked below the bound; -1 wants it higher: passes.
        #expect(g.data[0] == 0)
        #expect(g.data[1] < 0)
    }

    @Test func convTransposeLayerDoublesSizeAndGradientsMatch() {
        let layer = ConvTranspose2D(
            "up", inChannels: 2, outChannels: 3, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1,
            path: .reference)
        let parameters = Parameters(specs: layer.parameterSpecs, seed: 2)
        var random = SeededRandom(seed: 9)
        let x = Tensor(shape: [1, 2, 3, 2], data: random.floats(12))
        #expect(layer.forward(x, parameters).shape == [1, 3, 6, 4])
        expectLayerGradients(
            layer.forward, training: layer.forwardTraining, input: x, parameters: parameters, seed: 6, step: 1e-2)
    }

    @Test func bottleneckGradientsMatchFiniteDifferences() {
        let bottleneck = EntropyBottleneck("eb", channels: 2, qualities: 3)
        var parameters = Parameters(specs: bottleneck.parameterSpecs, seed: 4)
        var random = SeededRandom(seed: 44)
        // Non-zero factors so the tanh terms are exercised.
        for spec in parameters.specs where spec.name.contains("factors") {
            let offset = parameters.offset(of: spec.name)
            for j in 0..<spec.count { parameters.values[offset + j] = random.float(in: -0.8..<0.8) }
        }
        // Three samples at qualities 2, 0, 2: two groups, one density set unused (its gradient must stay 0).
        let qualities = [2, 0, 2]
        for i in parameters.values.indices { parameters.values[i] += random.float(in: -0.3..<0.3) }
        let y = Tensor(shape: [3, 2, 1, 3], data: random.floats(18, in: -3..<3))
        func forward(_ x: Tensor, _ p: Parameters) -> Tensor {
            var out: [Float] = []
            for (i, q) in qualities.enumerated() {
                let sample = Tensor(shape: [1, 2, 1, 3], data: Array(x.data[i * 6..<(i + 1) * 6]))
                out += bottleneck.likelihoods(sample, quality: q, p).data
            }
            return Tensor(shape: x.shape, data: out)
        }
        expectLayerGradients(
            forward, training: { bottleneck.likelihoodsTraining($0, qualities: qualities, &$1) }, input: y,
            parameters: parameters, seed: 7, step: 1e-3, relative: 5e-3)
    }

    @Test func bottleneckMassesOverIntegersSumToAtMostOne() {
        let bottleneck = EntropyBottleneck("eb", channels: 3)
        let parameters = Parameters(specs: bottleneck.parameterSpecs, seed: 5)
        let points = (-60...60).map(Float.init)
        var values: [Float] = []
        for _ in 0..<3 { values += points }
        let likelihoods = bottleneck.likelihoods(Tensor(shape: [1, 3, 1, points.count], data: values), parameters)
        for c in 0..<3 {
            let mass = likelihoods.data[c * points.count..<(c + 1) * points.count].reduce(0, +)
            #expect(mass > 0.99 && mass < 1.0001, "channel \(c): \(mass)")
        }
    }

    @Test func rateDistortionSaveLoadForwardIsBitIdentical() throws {
        let model = RateDistortionModel(id: "bmshj-f-vr", n: 4, m: 5, lambdas: [0.01, 0.04])
        let original = model.initialParameters(seed: 3)
        let bytes = original.weightsFile(modelID: model.id).serialized()
        let loaded = try Parameters(
            loading: WeightsFile(parsing: bytes), modelID: model.id, specs: model.parameterSpecs)
        #expect(loaded.values == original.values)
        var random = SeededRandom(seed: 10)
        let x = Tensor(shape: [1, 3, 32, 16], data: random.floats(3 * 32 * 16, in: 0..<1))
        let a = model.reconstruct(x, quality: 1, original)
        let b = model.reconstruct(x, quality: 1, loaded)
        #expect(a.reconstruction.shape == x.shape)
        #expect(a.reconstruction.data == b.reconstruction.data && a.bits == b.bits)
    }

    @Test func registeredKeyTable() {
        let specs = ModelRegistry.parameterSpecs("bmshj-f-vr")!
        let shapes = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0.shape) })
        #expect(shapes["g_a.0.weight"] == [64, 3, 5, 5])
        #expect(shapes["g_a.6.weight"] == [128, 64, 5, 5])
        #expect(shapes["g_s.0.weight"] == [128, 64, 5, 5])
        #expect(shapes["g_s.6.weight"] == [64, 3, 5, 5])
        #expect(shapes["g_s.5.gamma"] == [64, 64])
        #expect(shapes["entropy_bottleneck.matrices.0"] == [8, 128, 3, 1])
        #expect(shapes["entropy_bottleneck.matrices.3"] == [8, 128, 1, 3])
        #expect(shapes["entropy_bottleneck.factors.2"] == [8, 128, 3, 1])
        #expect(shapes["gain.analysis"] == [8, 128])
        #expect(specs.count == 8 + 6 + 8 + 6 + 11 + 2)
    }
}
