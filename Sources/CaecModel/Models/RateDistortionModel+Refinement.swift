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
/// image, `-sum log2 p_q(Y~) / pixels + lambda_q * 255^2 * MSE(g_s(Y~ x gain.synthesis[q]), x)`, the rate's
/// gradient read from a per-channel table of the density (`RateGradientTable`) made once per search; a task-aware
/// codec's search adds its task term (`SearchTaskTerm`). The result is `round(Y)`, unless the encoder's own
/// `round(y x gain)` has the lower loss (measured with hard rounding), so refinement never makes a file worse by
/// the model's own measure.
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
        refinedSymbols(
            image: image, width: width, height: height, latent: latent, quality: quality, iterations: iterations,
            seed: seed, task: nil, parameters, progress: progress)
    }

    /// `refinedSymbols` whose loss adds `task`'s term, `lambda_q * 255^2 * beta * KL(f(x) || f(x^))`, when the
    /// image is the task classifier's 32x32 (unpadded: `width` = `height` = 32 and `image` (1, 3, 32, 32)); other
    /// images are searched without it.
    ///
    /// - Precondition: `quality` is an integer (this family has no others).
    package func refinedSymbols(
        image: Tensor, width: Int, height: Int, latent: Tensor, quality: ModelQuality, iterations: Int, seed: UInt64,
        task: SearchTaskTerm?, _ parameters: Parameters, progress: (Int) -> Void
    ) -> RefinedSymbols {
        precondition(quality.isInteger, "RateDistortionModel: quality \(quality) is not an integer")
        let q = quality.index - 1
        let synthesisGains = Array(parameters.tensor("gain.synthesis").data[q * m..<(q + 1) * m])
        let start = Self.scale(latent, gains: parameters.tensor("gain.analysis"), qualities: [q])
        let initial = LatentSearch.symbols(start)
        guard iterations > 0 else { return RefinedSymbols(symbols: initial) }
        let task = task.flatMap { SearchTaskTerm.Bound($0, image: image, width: width, height: height) }

        let rate = GradientScope.$inputOnly.withValue(true) {
            var (scratch, unused) = (parameters, [Float](repeating: 0, count: parameters.values.count))
            return RateGradientTable(latent: start) { grid in
                let (likelihoods, pullback) = bottleneck.likelihoodsTraining(grid, qualities: [q], &scratch)
                return (likelihoods, { pullback($0, &unused) })
            }
        }
        let y = annealedLatent(
            from: start, synthesisGains: synthesisGains, lambda: lambdas[q], image: image, width: width,
            height: height, iterations: iterations, seed: seed, learningRate: Self.refinementLearningRate, parameters,
            rateGradient: { sample, _, pixels, _, _ in rate.rateGradient(sample, pixels: pixels) }, task: task,
            progress: progress)
        let chosen = LatentSearch.lowestLoss([initial, LatentSearch.symbols(y)]) { symbols in
            let latent = Tensor(shape: y.shape, data: symbols.map(Float.init))
            let bits = LatentSearch.bits(bottleneck.likelihoods(latent, quality: q, parameters))
            var distortion = 0.0
            if let task {
                let reconstruction = decode(latent, quality: q, parameters)
                distortion = LatentSearch.meanSquaredError(reconstruction, image: image, width: width, height: height)
                distortion += Double(task.beta) * task.value(reconstruction)
            } else {
                distortion = tiledMeanSquaredError(latent, image: image, width: width, height: height) {
                    decode($0, quality: q, parameters)
                }
            }
            return bits / Double(width * height) + Double(lambdas[q]) * 255 * 255 * distortion
        }
        return RefinedSymbols(symbols: chosen)
    }

    /// `LatentSearch.anneal` (Adam's first step `learningRate`) from the gained latent `start` (1, M, h, w) for
    /// the loss `rate(Y~) + lambda * 255^2 * MSE(g_s(Y~ x synthesisGains), image)` over the image's own pixels,
    /// tile by tile (`LatentTilePlan` of `tileSide` with the synthesis's halo): each tile searches its padded
    /// rectangle of the latent against its own pixels, with its own Gumbel stream (`seed` for the first tile), and
    /// keeps its core. A latent within one tile is searched whole. `rateGradient(Y~, tile, pixels, &parameters,
    /// &parameterGradients)` is d rate/dY~ of the tile's sample, the rate in bits per pixel of its `pixels` own
    /// pixels. Only the latent moves: the backward kernels run under `GradientScope.inputOnly`, and the weights are
    /// not changed. `progress` counts steps of a whole-image search (tiles share them). With `task` (a 32x32
    /// image, one tile), the distortion's gradient adds the task term's.
    package func annealedLatent(
        from start: Tensor, synthesisGains: [Float], lambda: Float, image: Tensor, width: Int, height: Int,
        iterations: Int, seed: UInt64, learningRate: Float, _ parameters: Parameters,
        rateGradient: (_ sample: Tensor, _ tile: LatentTilePlan.Tile, _ pixels: Int, inout Parameters, inout [Float])
            -> Tensor,
        task: SearchTaskTerm.Bound? = nil, tileSide: Int = LatentTilePlan.defaultSide, progress: (Int) -> Void
    ) -> Tensor {
        var scratch = parameters
        var parameterGradients = [Float](repeating: 0, count: parameters.values.count)
        let plan = LatentTilePlan(height: start.shape[2], width: start.shape[3], side: tileSide, halo: synthesisHalo)
        precondition(task == nil || plan.tiles.count == 1, "RateDistortionModel: a task term searches one tile")
        var result = start
        for (index, tile) in plan.tiles.enumerated() {
            let whole = plan.tiles.count == 1
            let (pixelRows, pixelColumns) = (pixels(tile.rows), pixels(tile.columns))
            let tileStart = whole ? start : LatentTilePlan.crop(start, rows: tile.rows, columns: tile.columns)
            let tileImage = whole ? image : LatentTilePlan.crop(image, rows: pixelRows, columns: pixelColumns)
            // The tile's own pixels: those of the image, not of its padding to a multiple of the rate.
            let ownWidth = min(width, pixelColumns.upperBound) - pixelColumns.lowerBound
            let ownHeight = min(height, pixelRows.upperBound) - pixelRows.lowerBound
            let y = LatentSearch.anneal(
                from: tileStart, iterations: iterations, seed: seed ^ UInt64(index) &* 0x9E37_79B9_7F4A_7C15,
                learningRate: learningRate,
                gradient: { sample in
                    GradientScope.$inputOnly.withValue(true) {
                        let dRate = rateGradient(
                            sample, tile, ownWidth * ownHeight, &scratch, &parameterGradients)
                        var dSample = distortionGradient(
                            sample, synthesisGains: synthesisGains, image: tileImage, width: ownWidth,
                            height: ownHeight, lambda: lambda, task: task, &scratch, &parameterGradients)
                        dSample.addInPlace(dRate)
                        return dSample
                    }
                }, progress: { progress((index * iterations + $0) / plan.tiles.count) })
            if whole { return y }
            LatentTilePlan.keepCore(tile, of: y, into: &result)
        }
        return result
    }

    /// The MSE (as `LatentSearch.meanSquaredError`) of `decode(latent)` against `image` over its own `width` x
    /// `height` pixels, decoded tile by tile as `annealedLatent` searches (the whole latent at once when it is one
    /// tile), so that the memory of a large image's decode stays that of a tile. `latent` is (1, M, h, w).
    package func tiledMeanSquaredError(
        _ latent: Tensor, image: Tensor, width: Int, height: Int, tileSide: Int = LatentTilePlan.defaultSide,
        decode: (Tensor) -> Tensor
    ) -> Double {
        let plan = LatentTilePlan(height: latent.shape[2], width: latent.shape[3], side: tileSide, halo: synthesisHalo)
        guard plan.tiles.count > 1 else {
            return LatentSearch.meanSquaredError(decode(latent), image: image, width: width, height: height)
        }
        var squares: Double = 0
        for tile in plan.tiles {
            let decoded = decode(LatentTilePlan.crop(latent, rows: tile.rows, columns: tile.columns))
            let (rows, columns) = (pixels(tile.coreRows), pixels(tile.coreColumns))
            squares += LatentSearch.squaredErrors(
                decoded, origin: (rate * tile.rows.lowerBound, rate * tile.columns.lowerBound),
                image: image, rows: rows.lowerBound..<min(height, rows.upperBound),
                columns: columns.lowerBound..<min(width, columns.upperBound))
        }
        return squares / Double(3 * width * height)
    }

    /// The pixel rows (or columns) of latent rows `latent`.
    private func pixels(_ latent: Range<Int>) -> Range<Int> {
        rate * latent.lowerBound..<rate * latent.upperBound
    }

    /// d(lambda * 255^2 * MSE(g_s(gained x synthesisGains), image))/dGained over the image's own pixels; `gained`
    /// is (1, M, h, w), `synthesisGains` M values, `image` (1, 3, rate h, rate w). With `task`, the gradient of
    /// `lambda * 255^2 * beta * KL(f(image) || f(g_s(...)))` is added. The weight gradients land in
    /// `parameterGradients` unless `GradientScope.inputOnly` is set.
    package func distortionGradient(
        _ gained: Tensor, synthesisGains: [Float], image: Tensor, width: Int, height: Int, lambda: Float,
        task: SearchTaskTerm.Bound? = nil, _ parameters: inout Parameters, _ parameterGradients: inout [Float]
    ) -> Tensor {
        let gains = Tensor(shape: [1, m], data: synthesisGains)
        let decoderInput = Self.scale(gained, gains: gains, qualities: [0])
        let (reconstruction, synthesisPullback) = synthesis.forwardTraining(decoderInput, &parameters)
        var dReconstruction = LatentSearch.distortionGradient(
            reconstruction, image: image, width: width, height: height, weight: lambda * 255 * 255)
        if let task {
            dReconstruction.addInPlace(task.gradient(reconstruction, weight: lambda * 255 * 255 * task.beta))
        }
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
