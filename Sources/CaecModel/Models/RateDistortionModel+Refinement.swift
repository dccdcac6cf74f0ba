import CaecCore
import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Latent refinement for the rate-distortion models by stochastic Gumbel annealing (`LatentSearch`).
///
/// The gained latent `Y = y x gain.analysis[q]` is the variable. The loss is the model's own training loss on this
/// image, `-sum log2 p_q(Y~) / pixels + lambda_q * 255^2 * MSE(g_s(Y~ x gain.synthesis[q]), x)`. The result is
/// `round(Y)`, unless the encoder's own `round(y x gain)` has the lower loss (measured with hard rounding), so
/// refinement never makes a file worse by the model's own measure.
extension RateDistortionModel: LatentRefining {
    /// Adam's step size on the gained latent (symbol units).
    /// 0.01 was the most robust of 0.005 ... 0.15 on kodim23-crop256 at qualities 2, 4, 7 and 60-500 steps; from
    /// 0.04 on, the search often ended worse than its start and its result was dropped.
    package static let refinementLearningRate: Float = 0.01

    /// - Precondition: `quality` is an integer (this family has no others).
    package func refinedSymbols(
        image: Tensor, width: Int, height: Int, latent: Tensor, quality: ModelQuality, iterations: Int, seed: UInt64,
        _ parameters: Parameters, progress: (Int) -> Void
    ) -> RefinedSymbols {
        precondition(quality.isInteger, "RateDistortionModel: quality \(quality) is not an integer")
        let q = quality.index - 1
        let synthesisGains = Array(parameters.tensor("gain.synthesis").data[q * m..<(q + 1) * m])
        let start = Self.scale(latent, gains: parameters.tensor("gain.analysis"), qualities: [q])
        let initial = LatentSearch.symbols(start)
        guard iterations > 0 else { return RefinedSymbols(symbols: initial) }

        let y = annealedLatent(
            from: start, synthesisGains: synthesisGains, lambda: lambdas[q], image: image, width: width,
            height: height, iterations: iterations, seed: seed, learningRate: Self.refinementLearningRate, parameters,
            rateGradient: { sample, scratch, parameterGradients in
                let (likelihoods, pullback) = bottleneck.likelihoodsTraining(sample, qualities: [q], &scratch)
                return pullback(Self.rateGradient(likelihoods, pixels: width * height), &parameterGradients)
            }, progress: progress)
        let chosen = LatentSearch.lowestLoss([initial, LatentSearch.symbols(y)]) { symbols in
            let latent = Tensor(shape: y.shape, data: symbols.map(Float.init))
            let bits = LatentSearch.bits(bottleneck.likelihoods(latent, quality: q, parameters))
            let mse = LatentSearch.meanSquaredError(
                decode(latent, quality: q, parameters), image: image, width: width, height: height)
            return bits / Double(width * height) + Double(lambdas[q]) * 255 * 255 * mse
        }
        return RefinedSymbols(symbols: chosen)
    }

    /// `LatentSearch.anneal` (Adam's first step `learningRate`) from the gained latent `start` (1, M, h, w) for the loss
    /// `rate(Y~) + lambda * 255^2 * MSE(g_s(Y~ x synthesisGains), image)` over the image's own pixels, where
    /// `rateGradient(Y~, &parameters, &parameterGradients)` is d rate/dY~ (rate in bits per pixel). Only the latent
    /// moves: the backward kernels run under `GradientScope.inputOnly`, and the weights are not changed.
    package func annealedLatent(
        from start: Tensor, synthesisGains: [Float], lambda: Float, image: Tensor, width: Int, height: Int,
        iterations: Int, seed: UInt64, learningRate: Float, _ parameters: Parameters,
        rateGradient: (Tensor, inout Parameters, inout [Float]) -> Tensor, progress: (Int) -> Void
    ) -> Tensor {
        var scratch = parameters
        var parameterGradients = [Float](repeating: 0, count: parameters.values.count)
        return LatentSearch.anneal(
            from: start, iterations: iterations, seed: seed, learningRate: learningRate,
            gradient: { sample in
                GradientScope.$inputOnly.withValue(true) {
                    let dRate = rateGradient(sample, &scratch, &parameterGradients)
                    var dSample = distortionGradient(
                        sample, synthesisGains: synthesisGains, image: image, width: width, height: height,
                        lambda: lambda, &scratch, &parameterGradients)
                    dSample.addInPlace(dRate)
                    return dSample
                }
            }, progress: progress)
    }

    /// d(lambda * 255^2 * MSE(g_s(gained x synthesisGains), image))/dGained over the image's own pixels; `gained`
    /// is (1, M, h, w), `synthesisGains` M values, `image` (1, 3, 16 h, 16 w). The weight gradients land in
    /// `parameterGradients` unless `GradientScope.inputOnly` is set.
    package func distortionGradient(
        _ gained: Tensor, synthesisGains: [Float], image: Tensor, width: Int, height: Int, lambda: Float,
        _ parameters: inout Parameters, _ parameterGradients: inout [Float]
    ) -> Tensor {
        let gains = Tensor(shape: [1, m], data: synthesisGains)
        let decoderInput = Self.scale(gained, gains: gains, qualities: [0])
        let (reconstruction, synthesisPullback) = synthesis.forwardTraining(decoderInput, &parameters)
        let dReconstruction = LatentSearch.distortionGradient(
            reconstruction, image: image, width: width, height: height, weight: lambda * 255 * 255)
        return Self.scale(synthesisPullback(dReconstruction, &parameterGradients), gains: gains, qualities: [0])
    }

    /// d(-sum log2 p / pixels)/dp of `likelihoods`.
    package static func rateGradient(_ likelihoods: Tensor, pixels: Int) -> Tensor {
        let ln2: Float = 0.693_147_18
        var d = Tensor(shape: likelihoods.shape)
        for i in likelihoods.data.indices { d.data[i] = -1 / (likelihoods.data[i] * ln2 * Float(pixels)) }
        return d
    }
}
