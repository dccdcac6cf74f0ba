import CaecTensor

/// The task term a task-aware codec's latent search (`caec encode --effort`) adds to rate + distortion, as the
/// codec's training did (`caec train cifar`, Spec/models.md): `beta * KL(softmax(f(x)) || softmax(f(x^)))` inside
/// the `lambda * 255^2` factor, with `f` the codec's training classifier (its weights file's `task_classifier`,
/// never a judge) and `beta` its `task_beta`.
package struct SearchTaskTerm: Sendable {
    /// The training classifier, batch normalisation frozen.
    package let term: ClassifierTaskTerm
    /// The weight of the divergence against the MSE (`task_beta`, 0.01 for the shipped codecs).
    package let beta: Float

    /// - Precondition: `beta` is finite and >= 0.
    package init(term: ClassifierTaskTerm, beta: Float) {
        precondition(beta.isFinite && beta >= 0, "SearchTaskTerm: beta must be finite and >= 0")
        self.term = term
        self.beta = beta
    }

    /// The side of the images the classifier takes.
    package static let side = 32

    /// Whether the term applies to a `width` x `height` image: the classifier's own size, 32x32.
    package static func applies(width: Int, height: Int) -> Bool { width == side && height == side }

    /// The term for one image: the classifier's logits on the original, computed once.
    package struct Bound: Sendable {
        package let task: SearchTaskTerm
        /// (1, 10).
        package let originalLogits: Tensor

        package var term: ClassifierTaskTerm { task.term }
        package var beta: Float { task.beta }

        /// nil unless the term `applies` to the image and `image` is (1, 3, 32, 32), pixels in [0, 1].
        package init?(_ task: SearchTaskTerm, image: Tensor, width: Int, height: Int) {
            let side = SearchTaskTerm.side
            guard SearchTaskTerm.applies(width: width, height: height), image.shape == [1, 3, side, side] else {
                return nil
            }
            self.task = task
            originalLogits = task.term.logits(image)
        }

        /// `KL(softmax(f(x)) || softmax(f(reconstruction)))` in nats, of `reconstruction` (1, 3, 32, 32) clamped to
        /// [0, 1] as the decoder outputs it.
        package func value(_ reconstruction: Tensor) -> Double {
            var clamped = reconstruction
            for i in clamped.data.indices { clamped.data[i] = min(max(clamped.data[i], 0), 1) }
            let logits = term.logits(clamped)
            return ClassifierTaskTerm.divergence(
                originalLogits, logits, temperature: term.temperature, weights: [0]
            ).values[0]
        }

        /// `d(weight * KL)/d reconstruction` (1, 3, 32, 32), through the frozen classifier, before the clamp (as
        /// the MSE's gradient in `LatentSearch.distortionGradient` and training).
        package func gradient(_ reconstruction: Tensor, weight: Float) -> Tensor {
            term.valuesAndGradient(reconstruction: reconstruction, originalLogits: originalLogits, weights: [weight])
                .gradient
        }
    }
}
