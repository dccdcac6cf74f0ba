import CaecCore
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

/// The task term of task-aware codecs: its divergence, its gradient through a frozen classifier, and the
/// objective that adds it to rate and distortion.
@Suite struct TaskTermTests {
    /// A ResNet-9 of tiny widths with random weights and non-trivial running statistics, batch norm frozen.
    static func classifier() -> (Classifier, Parameters) {
        let classifier = Classifier.cifarResNet(
            id: ModelRegistry.taskClassifierID, widths: [3, 4, 4, 5], frozenBatchNorm: true)
        var parameters = Parameters(specs: classifier.parameterSpecs, seed: 5)
        var random = SeededRandom(seed: 6)
        for spec in classifier.parameterSpecs
        where spec.name.hasSuffix("running_mean") || spec.name.hasSuffix("running_var") {
            let isVariance = spec.name.hasSuffix("running_var")
            let values = (0..<spec.count).map { _ in
                isVariance ? random.float(in: 0.5..<2) : random.float(in: -0.2..<0.2)
            }
            parameters.set(spec.name, Tensor(shape: spec.shape, data: values))
        }
        return (classifier, parameters)
    }

    static func images(seed: UInt64, count: Int = 2) -> Tensor {
        var random = SeededRandom(seed: seed)
        var data: [Float] = []
        for n in 0..<count {
            for c in 0..<3 {
                for y in 0..<32 {
                    for x in 0..<32 {
                        data.append(0.3 + 0.01 * Float((x * (c + 1) + y * (n + 2)) % 40) + random.float(in: 0..<0.1))
                    }
                }
            }
        }
        return Tensor(shape: [count, 3, 32, 32], data: data)
    }

    @Test func divergenceIsZeroForEqualLogitsAndMatchesItsGradient() {
        let a = Tensor(shape: [2, 4], data: [0.5, -1, 2, 0, 1, 1, -0.5, 0.25])
        let b = Tensor(shape: [2, 4], data: [0.1, 0.3, 1.5, -0.4, 2, -1, 0, 0.5])
        #expect(
            ClassifierTaskTerm.divergence(a, a, temperature: 2, weights: [1, 1]).values.allSatisfy { abs($0) < 1e-12 })
        let weights: [Float] = [0.7, 1.3]
        let (values, dB) = ClassifierTaskTerm.divergence(a, b, temperature: 2, weights: weights)
        #expect(values.allSatisfy { $0 > 0 })
        func total(_ b: Tensor) -> Double {
            let v = ClassifierTaskTerm.divergence(a, b, temperature: 2, weights: weights).values
            return Double(weights[0]) * v[0] + Double(weights[1]) * v[1]
        }
        var numeric: [Float] = []
        for i in 0..<8 {
            var plus = b
            var minus = b
            plus.data[i] += 1e-3
            minus.data[i] -= 1e-3
            numeric.append(Float((total(plus) - total(minus)) / 2e-3))
        }
        expectClose(dB.data, numeric, maxAbs: 1e-4)
    }

    @Test func frozenBatchNormIsInferenceModeAndKeepsItsStatistics() {
        let (classifier, parameters) = Self.classifier()
        let x = Self.images(seed: 1)
        var p = parameters
        let (output, _) = classifier.network.forwardTraining(x, &p)
        expectClose(output.data, classifier.logits(x, parameters).data, maxAbs: 1e-5)
        #expect(p.values == parameters.values)
    }

    /// d(sum_i w_i task_i)/dPixels through the frozen classifier against central differences.
    @Test func taskGradientMatchesFiniteDifferences() {
        let (classifier, parameters) = Self.classifier()
        let term = ClassifierTaskTerm(classifier: classifier, parameters: parameters)
        let originals = Self.images(seed: 2)
        var reconstruction = originals
        var random = SeededRandom(seed: 3)
        for i in reconstruction.data.indices { reconstruction.data[i] += random.float(in: -0.3..<0.3) }
        let originalLogits = term.logits(originals)
        let weights: [Float] = [100, 250]
        let (values, gradient) = term.valuesAndGradient(
            reconstruction: reconstruction, originalLogits: originalLogits, weights: weights)
        #expect(values.allSatisfy { $0 > 0 })
        func total(_ r: Tensor) -> Double {
            let v = term.valuesAndGradient(reconstruction: r, originalLogits: originalLogits, weights: weights).values
            return Double(weights[0]) * v[0] + Double(weights[1]) * v[1]
        }
        let indices = [0, 77, 500, 1023, 1500, 2047, 3071, 3072 + 100, 3072 + 2000, 6143]
        var analytic: [Float] = []
        var numeric: [Float] = []
        for i in indices {
            var plus = reconstruction
            var minus = reconstruction
            plus.data[i] += 1e-3
            minus.data[i] -= 1e-3
            analytic.append(gradient.data[i])
            numeric.append(Float((total(plus) - total(minus)) / 2e-3))
        }
        let scale = numeric.reduce(1e-3) { max($0, abs($1)) }
        expectClose(analytic, numeric, maxAbs: 3e-2 * scale)
        #expect(analytic.contains { $0 != 0 })
    }

    /// The objective's gradient with the task term (rate + lambda (MSE + beta task)) against central differences,
    /// for decoder and encoder parameters; the task term changes the decoder's gradient.
    @Test func taskAwareObjectiveGradientsMatchFiniteDifferences() {
        let model = RateDistortionModel(id: "cifar-task-vr", n: 4, m: 6, lambdas: [0.01, 0.1], stages: 3)
        let (classifier, classifierParameters) = Self.classifier()
        let term = ClassifierTaskTerm(classifier: classifier, parameters: classifierParameters)
        let objective = RateDistortionObjective(model, taskTerm: term, beta: 0.5)
        let plain = RateDistortionObjective(model)
        let parameters = model.initialParameters(seed: 2)
        let x = Self.images(seed: 4)
        let qualities = [1, 0]
        func gradients(_ objective: RateDistortionObjective) -> ([Float], RateDistortionFigures) {
            var p = parameters
            var gradients = [Float](repeating: 0, count: parameters.count)
            let figures = objective.figuresAndGradients(
                x, qualities: qualities, noiseSeed: 9, parameters: &p, gradients: &gradients)
            return (gradients, figures)
        }
        let (analyticAll, figures) = gradients(objective)
        #expect(figures.task > 0)
        func loss(_ parameters: Parameters) -> Double {
            var p = parameters
            var scratch = [Float](repeating: 0, count: parameters.count)
            return Double(
                objective.figuresAndGradients(
                    x, qualities: qualities, noiseSeed: 9, parameters: &p, gradients: &scratch
                )
                .loss)
        }
        var indices: [Int] = []
        for name in ["g_s.4.weight", "g_s.4.bias", "g_s.2.weight", "g_a.2.weight", "gain.synthesis"] {
            indices += [0, 5].map { parameters.offset(of: name) + $0 }
        }
        let analytic = indices.map { analyticAll[$0] }
        let numeric = centralDifferences(parameters, at: indices, step: 1e-2, loss: loss)
        let scale = numeric.reduce(1) { max($0, abs($1)) }
        expectClose(analytic, numeric, maxAbs: 3e-2 * scale)
        let (plainGradients, _) = gradients(plain)
        let bias = parameters.offset(of: "g_s.4.bias")
        #expect(abs(plainGradients[bias] - analyticAll[bias]) > 1e-3 * scale)
    }

    /// The effort search's gradient of a task-aware codec, d(lambda 255^2 (MSE + beta KL))/d(gained latent), against
    /// central differences of the same loss decoded with `decode`; the task term changes it.
    @Test func searchGradientWithTheTaskTermMatchesFiniteDifferences() {
        let model = RateDistortionModel(id: "cifar-task-vr", n: 4, m: 6, lambdas: [0.01, 0.1], stages: 3)
        let parameters = model.initialParameters(seed: 3)
        let (classifier, classifierParameters) = Self.classifier()
        let task = SearchTaskTerm(
            term: ClassifierTaskTerm(classifier: classifier, parameters: classifierParameters), beta: 0.5)
        let image = Self.images(seed: 7, count: 1)
        let bound = try! #require(SearchTaskTerm.Bound(task, image: image, width: 32, height: 32))
        #expect(SearchTaskTerm.Bound(task, image: image, width: 31, height: 32) == nil)
        let q = 1
        let synthesisGains = Array(parameters.tensor("gain.synthesis").data[q * 6..<(q + 1) * 6])
        var random = SeededRandom(seed: 8)
        let gained = Tensor(shape: [1, 6, 4, 4], data: (0..<96).map { _ in random.float(in: -3..<3) })
        func gradient(_ task: SearchTaskTerm.Bound?) -> Tensor {
            var scratch = parameters
            var unused = [Float](repeating: 0, count: parameters.count)
            return GradientScope.$inputOnly.withValue(true) {
                model.distortionGradient(
                    gained, synthesisGains: synthesisGains, image: image, width: 32, height: 32,
                    lambda: model.lambdas[q], task: task, &scratch, &unused)
            }
        }
        // The search's loss before the decoder's clamp to [0, 1] (which its gradient, like training's, ignores).
        func loss(_ latent: Tensor) -> Double {
            let reconstruction = model.decode(latent, quality: q, parameters)
            let mse = zip(reconstruction.data, image.data).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
            let kl = ClassifierTaskTerm.divergence(
                bound.originalLogits, bound.term.logits(reconstruction), temperature: 1, weights: [0]
            ).values[0]
            return Double(model.lambdas[q]) * 255 * 255 * (mse / Double(image.count) + Double(bound.beta) * kl)
        }
        let analytic = gradient(bound)
        var numeric: [Float] = []
        let indices = [0, 5, 17, 40, 63, 95]
        for i in indices {
            var plus = gained
            var minus = gained
            plus.data[i] += 1e-2
            minus.data[i] -= 1e-2
            numeric.append(Float((loss(plus) - loss(minus)) / 2e-2))
        }
        let scale = numeric.reduce(1e-3) { max($0, abs($1)) }
        expectClose(indices.map { analytic.data[$0] }, numeric, maxAbs: 3e-2 * scale)
        let plain = gradient(nil)
        #expect(zip(plain.data, analytic.data).contains { abs($0 - $1) > 1e-3 * scale })
    }

    @Test func threeStageModelHasAFourByFourLatentForA32x32Image() {
        let model = RateDistortionModel(id: "cifar-task-vr", n: 4, m: 6, lambdas: [0.01, 0.1], stages: 3)
        let parameters = model.initialParameters(seed: 1)
        let x = Self.images(seed: 5, count: 1)
        #expect(model.analysis.forward(x, parameters).shape == [1, 6, 4, 4])
        #expect(model.rate == 8)
        let (reconstruction, bits) = model.reconstruct(x, quality: 1, parameters)
        #expect(reconstruction.shape == x.shape)
        #expect(bits[0] > 0)
        #expect(!model.parameterSpecs.contains { $0.name.hasPrefix("g_a.6") || $0.name.hasPrefix("g_s.5") })
    }
}
