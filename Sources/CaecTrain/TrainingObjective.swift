import CaecModel
import CaecTensor

/// What a training run minimises, and how its held-out figure is measured.
package protocol TrainingObjective: Sendable {
    var modelID: String { get }
    var parameterSpecs: [ParameterSpec] { get }
    /// Forward and backward on one batch: returns the mean loss and adds dLoss/dParameters into `gradients`.
    func lossAndGradients(
        _ batch: Tensor, labels: [Int], parameters: inout Parameters, gradients: inout [Float]
    ) -> Float
    /// Inference on one batch: the summed loss and the number of correct predictions (0 if not a classifier).
    func evaluate(_ batch: Tensor, labels: [Int], parameters: Parameters) -> (lossSum: Double, correct: Int)
}

/// The paper's autoencoder objective: mean squared error between the input and its reconstruction.
package struct ReconstructionObjective: TrainingObjective {
    package let model: Autoencoder

    package init(_ model: Autoencoder) { self.model = model }

    package var modelID: String { model.id }
    package var parameterSpecs: [ParameterSpec] { model.parameterSpecs }

    package func lossAndGradients(
        _ batch: Tensor, labels: [Int], parameters: inout Parameters, gradients: inout [Float]
    ) -> Float {
        let (latent, encoderPullback) = model.encoder.forwardTraining(batch, &parameters)
        let (reconstruction, decoderPullback) = model.decoder.forwardTraining(latent, &parameters)
        let (loss, dReconstruction) = Tensor.meanSquaredError(reconstruction, target: batch)
        let dLatent = decoderPullback(dReconstruction, &gradients)
        _ = encoderPullback(dLatent, &gradients)
        return loss
    }

    /// Summed per-image MSE (so that dividing by the image count gives the mean MSE).
    package func evaluate(_ batch: Tensor, labels: [Int], parameters: Parameters) -> (lossSum: Double, correct: Int) {
        let reconstruction = model.reconstruct(batch, parameters)
        var sum: Double = 0
        for i in 0..<batch.count {
            let d = Double(reconstruction.data[i] - batch.data[i])
            sum += d * d
        }
        return (sum / Double(batch.count / batch.shape[0]), 0)
    }
}

/// Softmax cross-entropy for a classifier, optionally label-smoothed, with optional test-time flip augmentation.
package struct ClassificationObjective: TrainingObjective {
    package let model: Classifier
    /// Label smoothing e of the training loss (see `Tensor.softmaxCrossEntropy`); evaluation reports plain
    /// cross-entropy.
    package let labelSmoothing: Float

    /// Evaluation predicts with `model.evaluationLogits` (the test-time flip where the model has it).
    package init(_ model: Classifier, labelSmoothing: Float = 0) {
        self.model = model
        self.labelSmoothing = labelSmoothing
    }

    package var modelID: String { model.id }
    package var parameterSpecs: [ParameterSpec] { model.parameterSpecs }

    package func lossAndGradients(
        _ batch: Tensor, labels: [Int], parameters: inout Parameters, gradients: inout [Float]
    ) -> Float {
        let (logits, pullback) = model.network.forwardTraining(batch, &parameters)
        let (loss, dLogits) = Tensor.softmaxCrossEntropy(logits, labels: labels, labelSmoothing: labelSmoothing)
        _ = pullback(dLogits, &gradients)
        return loss
    }

    package func evaluate(_ batch: Tensor, labels: [Int], parameters: Parameters) -> (lossSum: Double, correct: Int) {
        let logits = model.evaluationLogits(batch, parameters)
        let loss = Tensor.softmaxCrossEntropy(logits, labels: labels).loss
        let predictions = Classifier.predictions(logits)
        let correct = zip(predictions, labels).filter { $0 == $1 }.count
        return (Double(loss) * Double(labels.count), correct)
    }
}
