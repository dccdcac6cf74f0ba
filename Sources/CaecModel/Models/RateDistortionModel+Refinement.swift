import CaecCore
import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Latent refinement for the rate-distortion models by stochastic Gumbel annealing (SGA; Yang, Bamler & Mandt 2020,
/// "Improving inference for neural image compression", §3.2).
///
/// The gained latent `Y = y x gain.analysis[q]` is the variable. Each step replaces rounding by a relaxed sample
/// between `floor(Y)` and `floor(Y) + 1`: with `r = Y - floor(Y)`, logits `-atanh(r) / tau` (down) and
/// `-atanh(1 - r) / tau` (up), Gumbel noise, and a two-way softmax of temperature `tau`, so
/// `Y~ = floor(Y) + s`. The loss is the model's own training loss on this image,
/// `-sum log2 p_q(Y~) / pixels + lambda_q * 255^2 * MSE(g_s(Y~ x gain.synthesis[q]), x)`, and Adam (learning rate
/// `learningRate`, decaying linearly to a tenth) moves `Y`. `tau` anneals from 0.5 as `0.5 * exp(-4 t / T)`.
/// The result is `round(Y)`, unless the encoder's own `round(y x gain)` has the lower loss (measured with hard
/// rounding), so refinement never makes a file worse by the model's own measure.
extension RateDistortionModel: LatentRefining {
    /// Adam's step size on the gained latent (symbol units).
    /// 0.01 was the most robust of 0.005 ... 0.15 on kodim23-crop256 at qualities 2, 4, 7 and 60-500 steps; from
    /// 0.04 on, the search often ended worse than its start and its result was dropped.
    static let refinementLearningRate: Float = 0.01

    package func refinedSymbols(
        image: Tensor, width: Int, height: Int, latent: Tensor, quality: Int, iterations: Int, seed: UInt64,
        _ parameters: Parameters, progress: (Int) -> Void
    ) -> [Int32] {
        let q = quality - 1
        let C = m
        let plane = latent.shape[2] * latent.shape[3]
        let analysisGain = Array(parameters.tensor("gain.analysis").data[q * C..<(q + 1) * C])
        var start = latent
        for c in 0..<C {
            for p in 0..<plane { start.data[c * plane + p] *= analysisGain[c] }
        }
        let initial = start.data.map(Quantizer.symbol)
        guard iterations > 0 else { return initial }

        var y = start
        var adam = Adam(count: y.count)
        let everyElement = [Float](repeating: 1, count: y.count)
        var random = SplitMix64(seed: seed)
        var scratch = parameters
        var parameterGradients = [Float](repeating: 0, count: parameters.values.count)
        for step in 0..<iterations {
            let tau = 0.5 * expf(-4 * Float(step) / Float(iterations))
            let (relaxed, dRelaxed) = Self.gumbelRelaxation(y.data, tau: tau, random: &random)
            let sample = Tensor(shape: y.shape, data: relaxed)
            // Only the latent moves: the backward kernels skip the weight gradients.
            let dSample = GradientScope.$inputOnly.withValue(true) {
                lossGradient(
                    sample, image: image, width: width, height: height, quality: q, &scratch, &parameterGradients)
            }
            var gradient = dSample.data
            for i in gradient.indices { gradient[i] *= dRelaxed[i] }
            let rate = Self.refinementLearningRate * (1 - 0.9 * Float(step) / Float(iterations))
            adam.step(values: &y.data, gradients: gradient, mask: everyElement, learningRate: rate)
            progress(step + 1)
        }
        let refined = y.data.map(Quantizer.symbol)
        let refinedLoss = hardLoss(
            refined, shape: y.shape, image: image, width: width, height: height, quality: q, parameters)
        let initialLoss = hardLoss(
            initial, shape: y.shape, image: image, width: width, height: height, quality: q, parameters)
        return refinedLoss < initialLoss ? refined : initial
    }

    /// `floor(Y) + s` and `ds/dY` per element (SGA's two-way relaxed one-hot sample, temperature `tau`).
    package static func gumbelRelaxation(_ values: [Float], tau: Float, random: inout SplitMix64) -> ([Float], [Float])
    {
        let limit: Float = 1 - 1e-4
        var sample = [Float](repeating: 0, count: values.count)
        var derivative = [Float](repeating: 0, count: values.count)
        for (i, value) in values.enumerated() {
            let down = value.rounded(.down)
            let r = value - down
            let (a, b) = (min(r, limit), min(1 - r, limit))
            let logitDown = -atanhf(a) / tau
            let logitUp = -atanhf(b) / tau
            let gumbelDown = -logf(-logf(max(random.uniform(0, 1), 1e-12)))
            let gumbelUp = -logf(-logf(max(random.uniform(0, 1), 1e-12)))
            let s = 1 / (1 + expf(-((logitUp + gumbelUp) - (logitDown + gumbelDown)) / tau))
            sample[i] = down + s
            // d(logitUp - logitDown)/dY, each term zero where its distance was clipped.
            let dUp: Float = r > 1 - limit ? 1 / (tau * (1 - b * b)) : 0
            let dDown: Float = r < limit ? -1 / (tau * (1 - a * a)) : 0
            derivative[i] = s * (1 - s) / tau * (dUp - dDown)
        }
        return (sample, derivative)
    }

    /// dLoss/dY~ for a relaxed sample `gained` (1, C, h, w), with the loss as in the type's comment.
    private func lossGradient(
        _ gained: Tensor, image: Tensor, width: Int, height: Int, quality q: Int, _ parameters: inout Parameters,
        _ parameterGradients: inout [Float]
    ) -> Tensor {
        let pixels = Float(width * height)
        let (likelihoods, ratePullback) = bottleneck.likelihoodsTraining(gained, qualities: [q], &parameters)
        let synthesisGain = parameters.tensor("gain.synthesis")
        let decoderInput = Self.scale(gained, gains: synthesisGain, qualities: [q])
        let (reconstruction, synthesisPullback) = synthesis.forwardTraining(decoderInput, &parameters)
        var dLikelihoods = Tensor(shape: likelihoods.shape)
        let ln2: Float = 0.693_147_18
        for i in likelihoods.data.indices { dLikelihoods.data[i] = -1 / (likelihoods.data[i] * ln2 * pixels) }
        let dReconstruction = distortionGradient(reconstruction, image: image, width: width, height: height, q)
        let dDecoderInput = synthesisPullback(dReconstruction, &parameterGradients)
        var dGained = Self.scale(dDecoderInput, gains: synthesisGain, qualities: [q])
        dGained.addInPlace(ratePullback(dLikelihoods, &parameterGradients))
        return dGained
    }

    /// d(lambda * 255^2 * MSE)/dReconstruction over the image's own pixels (padding excluded).
    private func distortionGradient(_ reconstruction: Tensor, image: Tensor, width: Int, height: Int, _ q: Int)
        -> Tensor
    {
        let (_, _, H, W) = image.nchw
        let scale = lambdas[q] * 255 * 255 * 2 / Float(3 * width * height)
        var gradient = Tensor(shape: reconstruction.shape)
        for c in 0..<3 {
            for row in 0..<height {
                for column in 0..<width {
                    let i = (c * H + row) * W + column
                    gradient.data[i] = scale * (reconstruction.data[i] - image.data[i])
                }
            }
        }
        return gradient
    }

    /// The loss of integer symbols: estimated bits from the density plus lambda * 255^2 * MSE of the decoded image
    /// (clamped to [0, 1], as the decoder outputs it) over the image's own pixels.
    private func hardLoss(
        _ symbols: [Int32], shape: [Int], image: Tensor, width: Int, height: Int, quality q: Int,
        _ parameters: Parameters
    ) -> Double {
        let latent = Tensor(shape: shape, data: symbols.map(Float.init))
        let likelihoods = bottleneck.likelihoods(latent, quality: q, parameters)
        var bits: Double = 0
        for p in likelihoods.data { bits -= log2(Double(p)) }
        let reconstruction = decode(latent, quality: q, parameters)
        let (_, _, H, W) = image.nchw
        var squares: Double = 0
        for c in 0..<3 {
            for row in 0..<height {
                for column in 0..<width {
                    let i = (c * H + row) * W + column
                    let d = Double(min(max(reconstruction.data[i], 0), 1) - image.data[i])
                    squares += d * d
                }
            }
        }
        let pixels = Double(width * height)
        return bits / pixels + Double(lambdas[q]) * 255 * 255 * squares / (3 * pixels)
    }
}
