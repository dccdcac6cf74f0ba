import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The task term of a task-aware codec: how far a fixed classifier's answer on a reconstruction is from its answer
/// on the original image.
///
/// For image i with logits `a_i` = classifier(original_i) and `b_i` = classifier(reconstruction_i) (10 classes,
/// no test-time flip), `p_i = softmax(a_i / T)` and `q_i = softmax(b_i / T)` at temperature T:
/// ```
/// task_i = KL(p_i || q_i) = sum_k p_ik (log p_ik - log q_ik)        (nats, >= 0, 0 iff the softened answers agree)
/// d task_i / d b_i = (q_i - p_i) / T
/// ```
/// The gradient is carried back through the classifier (its batch normalisations in inference mode: the network
/// is built with `frozenBatchNorm`) to the reconstruction's pixels, and from there into the decoder. The
/// classifier's parameters never change. The original's logits are constants: the codec cannot move them.
package struct ClassifierTaskTerm: Sendable {
    /// The classifier, with frozen batch normalisation.
    package let classifier: Classifier
    /// Its trained parameters.
    package let parameters: Parameters
    /// The softening temperature T (1: the classifier's own probabilities).
    package let temperature: Float

    /// - Parameters:
    ///   - classifier: built with `frozenBatchNorm: true` when it has batch normalisation.
    ///   - parameters: its trained weights.
    ///   - temperature: T > 0.
    package init(classifier: Classifier, parameters: Parameters, temperature: Float = 1) {
        precondition(temperature > 0, "ClassifierTaskTerm: temperature must be positive")
        self.classifier = classifier
        self.parameters = parameters
        self.temperature = temperature
    }

    /// The task term of classifier `id` with its trained weights `file` (final weights, or a training checkpoint,
    /// whose optimiser arrays are ignored).
    ///
    /// - Throws: `WeightsError` when `file` is not a weights file of classifier `id` (wrong model id, missing or
    ///   misshapen tensors).
    package init(classifierID id: String, file: WeightsFile, temperature: Float = 1) throws(WeightsError) {
        guard let classifier = ModelRegistry.classifier(id, frozenBatchNorm: true) else {
            throw .invalidField("'\(id)' is not a classifier (known: \(ModelRegistry.classifierIDs))")
        }
        let parameters = try Parameters(
            loading: file.removingCodecTensors(optimizer: true), modelID: id, specs: classifier.parameterSpecs)
        self.init(classifier: classifier, parameters: parameters, temperature: temperature)
    }

    /// The classifier's logits (N, 10) of `images` (N, 3, 32, 32): inference, no test-time flip.
    package func logits(_ images: Tensor) -> Tensor { classifier.logits(images, parameters) }

    /// The task term of each image of `reconstruction` against the original's logits `originalLogits` (N, 10),
    /// and the gradient of `sum_i weights[i] * task_i` with respect to `reconstruction` (N, 3, 32, 32).
    package func valuesAndGradient(reconstruction: Tensor, originalLogits: Tensor, weights: [Float]) -> (
        values: [Double], gradient: Tensor
    ) {
        let N = reconstruction.shape[0]
        precondition(originalLogits.shape[0] == N && weights.count == N, "ClassifierTaskTerm: batch sizes")
        var scratch = parameters
        let (logits, pullback) = classifier.network.forwardTraining(reconstruction, &scratch)
        let (values, dLogits) = Self.divergence(
            originalLogits, logits, temperature: temperature, weights: weights)
        var unused = [Float](repeating: 0, count: parameters.count)
        return (values, pullback(dLogits, &unused))
    }

    /// The task term of each image of `reconstruction` (N, 3, 32, 32) against `originals` (same shape), and
    /// whether the classifier's top class agrees (ties to the lower class).
    package func values(reconstruction: Tensor, originals: Tensor) -> (values: [Double], agrees: [Bool]) {
        let a = logits(originals)
        let b = logits(reconstruction)
        let weights = [Float](repeating: 0, count: a.shape[0])
        let agrees = zip(Classifier.predictions(a), Classifier.predictions(b)).map { $0 == $1 }
        return (Self.divergence(a, b, temperature: temperature, weights: weights).values, agrees)
    }

    /// `KL(softmax(a_i / T) || softmax(b_i / T))` per row of `a`, `b` (N, K), and its gradient with respect to `b`
    /// times `weights[i]`, row by row.
    package static func divergence(_ a: Tensor, _ b: Tensor, temperature: Float, weights: [Float]) -> (
        values: [Double], dB: Tensor
    ) {
        precondition(a.shape == b.shape && a.shape.count == 2, "ClassifierTaskTerm.divergence: shapes")
        let (n, k) = (a.shape[0], a.shape[1])
        var values = [Double](repeating: 0, count: n)
        var dB = Tensor(shape: b.shape)
        let t = Double(temperature)
        for i in 0..<n {
            let logP = logSoftmax(a.data[i * k..<(i + 1) * k].map { Double($0) / t })
            let logQ = logSoftmax(b.data[i * k..<(i + 1) * k].map { Double($0) / t })
            var kl = 0.0
            for j in 0..<k {
                let p = exp(logP[j])
                kl += p * (logP[j] - logQ[j])
                dB.data[i * k + j] = Float(Double(weights[i]) * (exp(logQ[j]) - p) / t)
            }
            values[i] = max(kl, 0)
        }
        return (values, dB)
    }

    /// `log softmax(x)`, stable for any range of `x`.
    static func logSoftmax(_ x: [Double]) -> [Double] {
        let top = x.max() ?? 0
        let logSum = log(x.reduce(0) { $0 + exp($1 - top) }) + top
        return x.map { $0 - logSum }
    }
}
