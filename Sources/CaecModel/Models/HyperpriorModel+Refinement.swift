import CaecTensor

/// Latent refinement for the scale-hyperprior models by stochastic Gumbel annealing (`LatentSearch`), at trained
/// and interpolated qualities alike.
///
/// z is the encoder's own, `round(h_a(|Y0|))` of the gained latent `Y0 = y x gain.analysis(q)`, and stays fixed,
/// so the scales of y are fixed too: each element's scale is that of the conditional table the codec picks for it
/// (`GaussianConditional.scaleTable[scaleIndex(h_s(z~))]`), the density its bits are actually coded with (h_s's
/// continuous scales instead gave the same files within 0.1% of the loss at effort 6 on two training photos). The
/// variable is the gained latent `Y`, and the loss
/// `-sum log2 p(Y~ | scales) / pixels + lambda(q) * 255^2 * MSE(g_s(Y~ x gain.synthesis(q)), x)`, with
/// `p(. | s)` the discretised Gaussian of training (`GaussianConditional`), lambda(q) interpolated between the
/// trained lambdas as the gains are (`GainInterpolation`). z's bits do not change while it is fixed.
///
/// The search then re-derives z from its result, `z' = round(h_a(|Y|))`, and the hard loss (z's bits under the
/// quality's factorized prior, y's under the table scales of that z, lambda x distortion of the decoded image)
/// chooses among the encoder's own symbols with z, `round(Y)` with z, and `round(Y)` with z' (in that order, ties
/// to the earlier): a file is never worse than the plain encoder's by this measure, and its z is the one whose
/// scales code its y.
extension HyperpriorModel: LatentRefining {
    package func refinedSymbols(
        image: Tensor, width: Int, height: Int, latent: Tensor, quality: ModelQuality, iterations: Int, seed: UInt64,
        _ parameters: Parameters, progress: (Int) -> Void
    ) -> RefinedSymbols {
        let analysisGains = Tensor(
            shape: [1, m], data: GainInterpolation.gains(parameters.tensor("gain.analysis"), at: quality))
        let start = RateDistortionModel.scale(latent, gains: analysisGains, qualities: [0])
        let initial = LatentSearch.symbols(start)
        guard iterations > 0 else { return RefinedSymbols(symbols: initial) }

        let (h, w) = (latent.shape[2], latent.shape[3])
        let synthesisGains = GainInterpolation.gains(parameters.tensor("gain.synthesis"), at: quality)
        let lambda = self.lambda(at: quality)
        let z = hyperLatentSymbols(latent, quality: quality, parameters)
        let scales = codedScales(z, height: h, width: w, parameters)
        let y = core.annealedLatent(
            from: start, synthesisGains: synthesisGains, lambda: lambda, image: image, width: width, height: height,
            iterations: iterations, seed: seed, learningRate: Self.refinementLearningRate, parameters,
            rateGradient: { sample, tile, pixels, _, _ in
                let tileScales =
                    tile.area == h * w ? scales : LatentTilePlan.crop(scales, rows: tile.rows, columns: tile.columns)
                let (likelihoods, pullback) = GaussianConditional.likelihoodsTraining(sample, scales: tileScales)
                return pullback(RateDistortionModel.rateGradient(likelihoods, pixels: pixels)).dValues
            }, progress: progress)

        var rederived = hyperLatent(y, parameters)
        for i in rederived.data.indices { rederived.data[i] = Float(Quantizer.symbol(rederived.data[i])) }
        func distortion(_ symbols: [Int32]) -> Double {
            let latent = Tensor(shape: y.shape, data: symbols.map(Float.init))
            return Double(lambda) * 255 * 255
                * core.tiledMeanSquaredError(latent, image: image, width: width, height: height) {
                    synthesis($0, quality: quality, parameters)
                }
        }
        let refined = LatentSearch.symbols(y)
        let (plainDistortion, refinedDistortion) = (distortion(initial), distortion(refined))
        let chosen = LatentSearch.lowestLoss([
            (symbols: initial, z: z, distortion: plainDistortion), (refined, z, refinedDistortion),
            (refined, rederived, refinedDistortion),
        ]) { candidate in
            hardBits(candidate.symbols, z: candidate.z, quality: quality, height: h, width: w, parameters)
                / Double(width * height) + candidate.distortion
        }
        return RefinedSymbols(symbols: chosen.symbols, hyperLatent: chosen.z)
    }

    /// Adam's step size on the gained latent (symbol units). At effort 6 on two 256x256 training photos
    /// (div2k256-0801, -0850) at qualities 2, 5, 7, the file's loss (real bytes, real PSNR) fell by 6.3% on average
    /// with 0.02, against 4.9% with 0.005, 5.8% with 0.01, 6.3% with 0.03 (less at quality 2) and 6.2% with 0.05.
    package static let refinementLearningRate: Float = 0.02

    /// The lambda of `quality`: a trained quality's own, or between two the geometric interpolation of theirs,
    /// `lambda_i^(1 - t) x lambda_(i+1)^t`, as `GainInterpolation` interpolates the gains.
    package func lambda(at quality: ModelQuality) -> Float {
        guard !quality.isInteger else { return lambdas[quality.index - 1] }
        return GainInterpolation.interpolate(
            Double(lambdas[quality.index - 1]), Double(lambdas[quality.index]), fraction: quality.fraction)
    }

    /// The scales the codec codes y with under `zSymbols`: per element, the scale of the conditional table that
    /// `scaleIndices` picks (`GaussianConditional.decisionBounds` into `GaussianConditional.scaleTable`),
    /// (1, M, height, width).
    package func codedScales(_ zSymbols: Tensor, height: Int, width: Int, _ parameters: Parameters) -> Tensor {
        var scales = scales(zSymbols, height: height, width: width, parameters)
        let bounds = GaussianConditional.decisionBounds
        let table = GaussianConditional.scaleTable
        for i in scales.data.indices {
            scales.data[i] = table[GaussianConditional.scaleIndex(scales.data[i], bounds: bounds)]
        }
        return scales
    }

    /// The estimated bits of y's `symbols` (channel-major) under the coded scales of `z`, plus z's under the
    /// factorized prior of the tables that code it at `quality` (`tablesQuality`).
    package func hardBits(
        _ symbols: [Int32], z: Tensor, quality: ModelQuality, height: Int, width: Int, _ parameters: Parameters
    ) -> Double {
        let y = Tensor(shape: [1, m, height, width], data: symbols.map(Float.init))
        let yBits = LatentSearch.bits(
            GaussianConditional.likelihoods(y, scales: codedScales(z, height: height, width: width, parameters)))
        let zBits = LatentSearch.bits(bottleneck.likelihoods(z, quality: tablesQuality(quality) - 1, parameters))
        return yBits + zBits
    }
}
