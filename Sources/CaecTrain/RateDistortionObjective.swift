import CaecModel
import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Mean figures of one rate-distortion batch.
package struct RateDistortionFigures: Sendable, Equatable {
    /// Mean of `bpp + lambda_q * 255^2 * (MSE + beta * task)` over the images (beta = 0 without a task term).
    package var loss: Float
    /// Mean bits per pixel (from the prior's likelihoods).
    package var bpp: Float
    /// Mean squared error of pixels in [0, 1].
    package var mse: Float
    /// Mean task term (`ClassifierTaskTerm`, nats); 0 without one.
    package var task: Float = 0
    /// Fraction of images whose reconstruction the task classifier puts in the original's class (rounded latent,
    /// `figures` only); nil without a task term or in training figures.
    package var agreement: Float?
}

/// Trains a `RateDistortionModel`: per image i with quality q_i,
/// `loss_i = bits_i / (H * W) + lambda_(q_i) * 255^2 * MSE_i`, averaged over the batch (CompressAI's
/// `RateDistortionLoss`, with the quality chosen per image). Quantisation is replaced by additive U(-1/2, 1/2)
/// noise on the gained latent; the entropy bottleneck's parameters and the gains are trained with the rest.
///
/// With a task term (task-aware codecs, `cifar-task-vr`) the distortion gains `beta * task_i`, a frozen
/// classifier's divergence between its answers on the original and on the reconstruction:
/// `loss_i = bits_i / (H * W) + lambda_(q_i) * 255^2 * (MSE_i + beta * task_i)`; its gradient flows through the
/// classifier into the synthesis (the classifier's parameters stay fixed). Images must then be 32x32.
package struct RateDistortionObjective: TrainingObjective, RateDistortionTraining {
    package let model: RateDistortionModel
    /// The classifier term, or nil for a plain rate-distortion loss.
    package let taskTerm: ClassifierTaskTerm?
    /// The task term's weight beside the MSE (pixels in [0, 1]); 0 without a task term.
    package let beta: Float

    package init(_ model: RateDistortionModel) {
        self.model = model
        taskTerm = nil
        beta = 0
    }

    /// A task-aware objective: `taskTerm` weighted by `beta` (>= 0) beside the MSE.
    package init(_ model: RateDistortionModel, taskTerm: ClassifierTaskTerm, beta: Float) {
        precondition(beta >= 0 && beta.isFinite, "RateDistortionObjective: beta must be finite and >= 0")
        self.model = model
        self.taskTerm = taskTerm
        self.beta = beta
    }

    package var qualities: Int { model.qualities }
    package func initialParameters(seed: UInt64) -> Parameters { model.initialParameters(seed: seed) }

    package var modelID: String { model.id }
    package var parameterSpecs: [ParameterSpec] { model.parameterSpecs }

    /// Forward and backward on `batch` (N, 3, H, W) in [0, 1], image i at quality `qualities[i]` (0-based), with
    /// the noise drawn from `noiseSeed`. Adds dLoss/dParameters into `gradients`.
    package func figuresAndGradients(
        _ batch: Tensor, qualities: [Int], noiseSeed: UInt64, parameters: inout Parameters, gradients: inout [Float]
    ) -> RateDistortionFigures {
        let (N, _, H, W) = batch.nchw
        precondition(qualities.count == N && qualities.allSatisfy { model.lambdas.indices.contains($0) }, "qualities")
        let analysisGain = parameters.tensor("gain.analysis")
        let synthesisGain = parameters.tensor("gain.synthesis")
        let (y, analysisPullback) = model.analysis.forwardTraining(batch, &parameters)
        let gained = RateDistortionModel.scale(y, gains: analysisGain, qualities: qualities)
        let noisy = EntropyBottleneck.addUniformNoise(gained, seed: noiseSeed)
        let (likelihoods, bottleneckPullback) = model.bottleneck.likelihoodsTraining(
            noisy, qualities: qualities, &parameters)
        let decoderInput = RateDistortionModel.scale(noisy, gains: synthesisGain, qualities: qualities)
        let (reconstruction, synthesisPullback) = model.synthesis.forwardTraining(decoderInput, &parameters)

        // Figures and dLoss/dReconstruction, dLoss/dLikelihoods.
        let pixels = H * W
        let perImage = 3 * pixels
        let latentPerImage = likelihoods.count / N
        var dReconstruction = Tensor(shape: reconstruction.shape)
        var taskValues = [Double](repeating: 0, count: N)
        if let taskTerm {
            // d(lambda_i 255^2 beta task_i / N)/dReconstruction, through the frozen classifier.
            let weights = qualities.map { Float(Double(model.lambdas[$0]) * 255 * 255 * Double(beta) / Double(N)) }
            (taskValues, dReconstruction) = taskTerm.valuesAndGradient(
                reconstruction: reconstruction, originalLogits: taskTerm.logits(batch), weights: weights)
        }
        var dLikelihoods = Tensor(shape: likelihoods.shape)
        var lossSum: Double = 0
        var bppSum: Double = 0
        var mseSum: Double = 0
        var taskSum: Double = 0
        let ln2 = 0.693_147_180_559_945_3
        for i in 0..<N {
            let lambda = Double(model.lambdas[qualities[i]]) * 255 * 255
            var squares: Double = 0
            for j in i * perImage..<(i + 1) * perImage {
                let d = reconstruction.data[j] - batch.data[j]
                squares += Double(d * d)
                dReconstruction.data[j] += Float(lambda * 2 / Double(perImage) / Double(N)) * d
            }
            var bits: Double = 0
            for j in i * latentPerImage..<(i + 1) * latentPerImage {
                let p = Double(likelihoods.data[j])
                bits -= log2(p)
                dLikelihoods.data[j] = Float(-1 / (p * ln2) / Double(pixels) / Double(N))
            }
            let mse = squares / Double(perImage)
            let bpp = bits / Double(pixels)
            bppSum += bpp
            mseSum += mse
            taskSum += taskValues[i]
            lossSum += bpp + lambda * (mse + Double(beta) * taskValues[i])
        }

        // Backward: synthesis, synthesis gain, bottleneck, analysis gain, analysis.
        let dDecoderInput = synthesisPullback(dReconstruction, &gradients)
        var dNoisy = RateDistortionModel.scale(dDecoderInput, gains: synthesisGain, qualities: qualities)
        Self.accumulateGainGradient(
            dDecoderInput, noisy, qualities: qualities, at: parameters.offset(of: "gain.synthesis"), &gradients)
        dNoisy.addInPlace(bottleneckPullback(dLikelihoods, &gradients))
        // noise is additive: dGained = dNoisy
        Self.accumulateGainGradient(
            dNoisy, y, qualities: qualities, at: parameters.offset(of: "gain.analysis"), &gradients)
        let dY = RateDistortionModel.scale(dNoisy, gains: analysisGain, qualities: qualities)
        _ = analysisPullback(dY, &gradients)
        return RateDistortionFigures(
            loss: Float(lossSum / Double(N)), bpp: Float(bppSum / Double(N)), mse: Float(mseSum / Double(N)),
            task: Float(taskSum / Double(N)))
    }

    /// `d gain[q_i, c] += sum_p gradOutput[i, c, p] * input[i, c, p]` for `output = input * gain`.
    package static func accumulateGainGradient(
        _ gradOutput: Tensor, _ input: Tensor, qualities: [Int], at offset: Int, _ gradients: inout [Float]
    ) {
        let (N, C, H, W) = input.nchw
        for i in 0..<N {
            for c in 0..<C {
                let base = (i * C + c) * H * W
                var sum: Float = 0
                for p in 0..<H * W { sum += gradOutput.data[base + p] * input.data[base + p] }
                gradients[offset + qualities[i] * C + c] += sum
            }
        }
    }

    /// `labels` are the images' qualities; the noise seed is derived from the batch's first pixels and labels.
    package func lossAndGradients(
        _ batch: Tensor, labels: [Int], parameters: inout Parameters, gradients: inout [Float]
    ) -> Float {
        var seed: UInt64 = 0x5EED
        for value in batch.data.prefix(64) { seed = (seed ^ UInt64(value.bitPattern)) &* 0x100_0000_01B3 }
        for label in labels { seed = (seed ^ UInt64(label)) &* 0x100_0000_01B3 }
        return figuresAndGradients(
            batch, qualities: labels, noiseSeed: seed, parameters: &parameters, gradients: &gradients
        ).loss
    }

    /// Inference with rounding: the summed per-image loss (`labels` are the qualities).
    package func evaluate(_ batch: Tensor, labels: [Int], parameters: Parameters) -> (lossSum: Double, correct: Int) {
        var sum: Double = 0
        for (i, quality) in labels.enumerated() {
            let image = Tensor(
                shape: [1] + batch.shape.dropFirst(),
                data: Array(batch.data[i * batch.count / batch.shape[0]..<(i + 1) * batch.count / batch.shape[0]]))
            sum += Double(figures(image, quality: quality, parameters: parameters).loss)
        }
        return (sum, 0)
    }

    /// The rounded-latent figures of `images` at `quality`; the reconstruction is clamped to [0, 1] for the MSE
    /// and the task term (which then also gives the classifier's agreement).
    package func figures(_ images: Tensor, quality: Int, parameters: Parameters) -> RateDistortionFigures {
        let (N, _, H, W) = images.nchw
        var (reconstruction, bits) = model.reconstruct(images, quality: quality, parameters)
        var squares: Double = 0
        for j in images.data.indices {
            reconstruction.data[j] = min(max(reconstruction.data[j], 0), 1)
            let d = Double(reconstruction.data[j] - images.data[j])
            squares += d * d
        }
        let mse = squares / Double(images.count)
        let bpp = bits.reduce(0, +) / Double(N * H * W)
        let lambda = Double(model.lambdas[quality]) * 255 * 255
        var figures = RateDistortionFigures(loss: Float(bpp + lambda * mse), bpp: Float(bpp), mse: Float(mse))
        if let taskTerm {
            let (values, agrees) = taskTerm.values(reconstruction: reconstruction, originals: images)
            let task = values.reduce(0, +) / Double(N)
            figures.task = Float(task)
            figures.agreement = Float(agrees.filter { $0 }.count) / Float(N)
            figures.loss = Float(bpp + lambda * (mse + Double(beta) * task))
        }
        return figures
    }
}
