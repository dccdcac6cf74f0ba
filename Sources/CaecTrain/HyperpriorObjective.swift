import CaecModel
import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Trains a `HyperpriorModel`: per image i with quality q_i, `loss_i = (bits_y + bits_z) / (H * W) + lambda_(q_i) *
/// 255^2 * MSE_i`, averaged over the batch (CompressAI's `RateDistortionLoss` on `ScaleHyperprior`). bits_y are
/// -log2 of y~'s likelihoods under the Gaussian conditional with the scales h_s(z~), bits_z of z~'s under the
/// factorized prior of q_i. Rounding is replaced by additive U(-1/2, 1/2) noise on the gained latent and on z;
/// z = h_a(|gained latent|) is computed from the noiseless latent, as CompressAI does.
package struct HyperpriorObjective: RateDistortionTraining {
    package let model: HyperpriorModel

    package init(_ model: HyperpriorModel) { self.model = model }

    package var modelID: String { model.id }
    package var parameterSpecs: [ParameterSpec] { model.parameterSpecs }
    package var qualities: Int { model.qualities }
    package func initialParameters(seed: UInt64) -> Parameters { model.initialParameters(seed: seed) }

    package func figuresAndGradients(
        _ batch: Tensor, qualities: [Int], noiseSeed: UInt64, parameters: inout Parameters, gradients: inout [Float]
    ) -> RateDistortionFigures {
        let (N, _, H, W) = batch.nchw
        precondition(qualities.count == N && qualities.allSatisfy { model.lambdas.indices.contains($0) }, "qualities")
        let analysisGain = parameters.tensor("gain.analysis")
        let synthesisGain = parameters.tensor("gain.synthesis")
        let (y, analysisPullback) = model.core.analysis.forwardTraining(batch, &parameters)
        let gained = RateDistortionModel.scale(y, gains: analysisGain, qualities: qualities)
        let noisy = EntropyBottleneck.addUniformNoise(gained, seed: noiseSeed)
        var magnitude = gained
        for i in magnitude.data.indices { magnitude.data[i] = abs(magnitude.data[i]) }
        let (z, hyperAnalysisPullback) = model.hyperAnalysis.forwardTraining(magnitude, &parameters)
        let zNoisy = EntropyBottleneck.addUniformNoise(z, seed: noiseSeed ^ 0x9E37_79B9_7F4A_7C15)
        let (zLikelihoods, bottleneckPullback) = model.bottleneck.likelihoodsTraining(
            zNoisy, qualities: qualities, &parameters)
        let (fullScales, hyperSynthesisPullback) = model.hyperSynthesis.forwardTraining(zNoisy, &parameters)
        let (h, w) = (y.shape[2], y.shape[3])
        let scales = HyperpriorModel.crop(fullScales, height: h, width: w)
        let (yLikelihoods, conditionalPullback) = GaussianConditional.likelihoodsTraining(noisy, scales: scales)
        let decoderInput = RateDistortionModel.scale(noisy, gains: synthesisGain, qualities: qualities)
        let (reconstruction, synthesisPullback) = model.core.synthesis.forwardTraining(decoderInput, &parameters)

        let pixels = H * W
        let perImage = 3 * pixels
        var dReconstruction = Tensor(shape: reconstruction.shape)
        var (lossSum, bppSum, mseSum) = (0.0, 0.0, 0.0)
        var bits = [Double](repeating: 0, count: N)
        let ln2 = 0.693_147_180_559_945_3
        func rateGradient(_ likelihoods: Tensor) -> Tensor {
            var d = Tensor(shape: likelihoods.shape)
            let perSample = likelihoods.count / N
            for j in likelihoods.data.indices {
                let p = Double(likelihoods.data[j])
                bits[j / perSample] -= log2(p)
                d.data[j] = Float(-1 / (p * ln2) / Double(pixels) / Double(N))
            }
            return d
        }
        let dYLikelihoods = rateGradient(yLikelihoods)
        let dZLikelihoods = rateGradient(zLikelihoods)
        for i in 0..<N {
            let lambda = Double(model.lambdas[qualities[i]]) * 255 * 255
            var squares: Double = 0
            for j in i * perImage..<(i + 1) * perImage {
                let d = reconstruction.data[j] - batch.data[j]
                squares += Double(d * d)
                dReconstruction.data[j] = Float(lambda * 2 / Double(perImage) / Double(N)) * d
            }
            let mse = squares / Double(perImage)
            let bpp = bits[i] / Double(pixels)
            bppSum += bpp
            mseSum += mse
            lossSum += bpp + lambda * mse
        }

        // Backward: synthesis and its gain; the conditional (to y~ and the scales); h_s; z's prior; h_a; |.|; the
        // analysis gain and the analysis.
        let dDecoderInput = synthesisPullback(dReconstruction, &gradients)
        var dNoisy = RateDistortionModel.scale(dDecoderInput, gains: synthesisGain, qualities: qualities)
        RateDistortionObjective.accumulateGainGradient(
            dDecoderInput, noisy, qualities: qualities, at: parameters.offset(of: "gain.synthesis"), &gradients)
        let (dNoisyRate, dScales) = conditionalPullback(dYLikelihoods)
        dNoisy.addInPlace(dNoisyRate)
        var dZNoisy = hyperSynthesisPullback(
            HyperpriorModel.uncrop(dScales, height: fullScales.shape[2], width: fullScales.shape[3]), &gradients)
        dZNoisy.addInPlace(bottleneckPullback(dZLikelihoods, &gradients))
        let dMagnitude = hyperAnalysisPullback(dZNoisy, &gradients)
        var dGained = dNoisy
        for i in dGained.data.indices {
            let g = gained.data[i]
            dGained.data[i] += g > 0 ? dMagnitude.data[i] : g < 0 ? -dMagnitude.data[i] : 0
        }
        RateDistortionObjective.accumulateGainGradient(
            dGained, y, qualities: qualities, at: parameters.offset(of: "gain.analysis"), &gradients)
        let dY = RateDistortionModel.scale(dGained, gains: analysisGain, qualities: qualities)
        _ = analysisPullback(dY, &gradients)
        return RateDistortionFigures(
            loss: Float(lossSum / Double(N)), bpp: Float(bppSum / Double(N)), mse: Float(mseSum / Double(N)))
    }

    /// The rounded figures of `images` at `quality`; the reconstruction is clamped to [0, 1] for the MSE.
    package func figures(_ images: Tensor, quality: Int, parameters: Parameters) -> RateDistortionFigures {
        let (N, _, H, W) = images.nchw
        let (reconstruction, bits) = model.reconstruct(images, quality: quality, parameters)
        var squares: Double = 0
        for j in images.data.indices {
            let d = Double(min(max(reconstruction.data[j], 0), 1) - images.data[j])
            squares += d * d
        }
        let mse = squares / Double(images.count)
        let bpp = bits.reduce(0, +) / Double(N * H * W)
        let lambda = Double(model.lambdas[quality]) * 255 * 255
        return RateDistortionFigures(loss: Float(bpp + lambda * mse), bpp: Float(bpp), mse: Float(mse))
    }
}
