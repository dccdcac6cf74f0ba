import CaecCore
import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The parts of the encoder's latent search (`LatentRefining`) that every family shares: stochastic Gumbel
/// annealing (SGA; Yang, Bamler & Mandt 2020, "Improving inference for neural image compression", §3.2) driven by
/// Adam, the distortion term and its gradient over the image's own pixels, and the rule that keeps the encoder's
/// own symbols unless a search result has a lower hard loss.
///
/// The variable is the gained latent `Y` (symbol units). Each step replaces rounding by a relaxed sample between
/// `floor(Y)` and `floor(Y) + 1`: with `r = Y - floor(Y)`, logits `-atanh(r) / tau` (down) and
/// `-atanh(1 - r) / tau` (up), Gumbel noise, and a two-way softmax of temperature `tau`, so `Y~ = floor(Y) + s`.
/// The family gives dLoss/dY~ of its relaxed loss; Adam (learning rate `learningRate`, decaying linearly to a tenth)
/// moves `Y`, and `tau` anneals from 0.5 as `0.5 * exp(-4 t / T)`.
package enum LatentSearch {
    /// `iterations` SGA steps from `start`; returns the final continuous `Y` (same shape), to be rounded.
    ///
    /// - Parameters:
    ///   - start: the encoder's gained latent, (1, C, h, w) in symbol units.
    ///   - seed: the Gumbel noise stream.
    ///   - learningRate: Adam's first step size, in symbol units.
    ///   - gradient: dLoss/dY~ of a relaxed sample Y~ (same shape as `start`).
    ///   - progress: called after each step with the number of steps done.
    package static func anneal(
        from start: Tensor, iterations: Int, seed: UInt64, learningRate: Float, gradient: (Tensor) -> Tensor,
        progress: (Int) -> Void
    ) -> Tensor {
        var y = start
        var adam = Adam(count: y.count)
        let everyElement = [Float](repeating: 1, count: y.count)
        var random = SplitMix64(seed: seed)
        for step in 0..<iterations {
            let tau = 0.5 * expf(-4 * Float(step) / Float(iterations))
            let (relaxed, dRelaxed) = gumbelRelaxation(y.data, tau: tau, seed: random.next())
            var dY = gradient(Tensor(shape: y.shape, data: relaxed)).data
            for i in dY.indices { dY[i] *= dRelaxed[i] }
            let rate = learningRate * (1 - 0.9 * Float(step) / Float(iterations))
            adam.step(values: &y.data, gradients: dY, mask: everyElement, learningRate: rate)
            progress(step + 1)
        }
        return y
    }

    /// `floor(Y) + s` and `ds/dY` per element (SGA's two-way relaxed one-hot sample, temperature `tau`).
    ///
    /// The two Gumbel variables enter only through their difference, which is logistic: one uniform `u` per
    /// element gives `log(u / (1 - u))`. Elements are drawn in blocks of `TensorParallelism.elementBlock`, block b
    /// from its own stream `SplitMix64(seed ^ mix(b))`, on the kernels' threads, so the sample depends on `seed`
    /// and the values alone, not on the number of threads.
    package static func gumbelRelaxation(_ values: [Float], tau: Float, seed: UInt64) -> ([Float], [Float]) {
        let limit: Float = 1 - 1e-4
        var sample = [Float](repeating: 0, count: values.count)
        var derivative = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { values in
            sample.withUnsafeMutableBufferPointer { sample in
                derivative.withUnsafeMutableBufferPointer { derivative in
                    TensorParallelism.forEachBlock(values.count) { range in
                        let block = UInt64(range.lowerBound / TensorParallelism.elementBlock)
                        var random = SplitMix64(seed: seed ^ (block &* 0xD6E8_FEB8_6659_FD93))
                        for i in range {
                            let value = values[i]
                            let down = value.rounded(.down)
                            let r = value - down
                            let (a, b) = (min(r, limit), min(1 - r, limit))
                            let logits = (atanhf(a) - atanhf(b)) / tau  // logit(up) - logit(down)
                            let u = min(max(random.uniform(0, 1), 1e-7), 1 - 1e-7)
                            let s = 1 / (1 + expf(-(logits + logf(u / (1 - u))) / tau))
                            sample[i] = down + s
                            // d(logit(up) - logit(down))/dY, each term zero where its distance was clipped.
                            let dUp: Float = r > 1 - limit ? 1 / (tau * (1 - b * b)) : 0
                            let dDown: Float = r < limit ? -1 / (tau * (1 - a * a)) : 0
                            derivative[i] = s * (1 - s) / tau * (dUp - dDown)
                        }
                    }
                }
            }
        }
        return (sample, derivative)
    }

    /// The symbols of a gained latent: `Quantizer.symbol` of every element.
    package static func symbols(_ gained: Tensor) -> [Int32] { gained.data.map(Quantizer.symbol) }

    /// The candidate of lowest `loss`; on a tie the earlier one, so the encoder's own symbols, listed first, stay
    /// unless a search result is strictly better.
    package static func lowestLoss<Candidate>(_ candidates: [Candidate], loss: (Candidate) -> Double) -> Candidate {
        precondition(!candidates.isEmpty, "LatentSearch.lowestLoss: no candidates")
        var best = (candidate: candidates[0], loss: loss(candidates[0]))
        for candidate in candidates.dropFirst() {
            let value = loss(candidate)
            if value < best.loss { best = (candidate, value) }
        }
        return best.candidate
    }

    /// d(weight * MSE)/dReconstruction over the image's own `width` x `height` pixels (padding excluded), with
    /// `weight` = lambda * 255^2; `reconstruction` and `image` are (1, 3, H, W).
    package static func distortionGradient(
        _ reconstruction: Tensor, image: Tensor, width: Int, height: Int, weight: Float
    ) -> Tensor {
        let (_, _, H, W) = image.nchw
        let scale = weight * 2 / Float(3 * width * height)
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

    /// The MSE of `reconstruction`, clamped to [0, 1] as the decoder outputs it, against `image` over its own
    /// `width` x `height` pixels; both (1, 3, H, W).
    package static func meanSquaredError(_ reconstruction: Tensor, image: Tensor, width: Int, height: Int) -> Double {
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
        return squares / Double(3 * width * height)
    }

    /// The sum of squared errors of `reconstruction` (1, 3, RH, RW), clamped to [0, 1], whose element (0, 0) is
    /// pixel `origin` of `image` (1, 3, H, W), over image pixels `rows` x `columns` (within both).
    package static func squaredErrors(
        _ reconstruction: Tensor, origin: (row: Int, column: Int), image: Tensor, rows: Range<Int>,
        columns: Range<Int>
    ) -> Double {
        let (_, _, H, W) = image.nchw
        let (_, _, RH, RW) = reconstruction.nchw
        precondition(
            rows.lowerBound >= origin.row && rows.upperBound <= min(H, origin.row + RH)
                && columns.lowerBound >= origin.column && columns.upperBound <= min(W, origin.column + RW),
            "LatentSearch.squaredErrors: \(rows) x \(columns) is outside the reconstruction or the image")
        var squares: Double = 0
        for c in 0..<3 {
            for row in rows {
                for column in columns {
                    let r = (c * RH + row - origin.row) * RW + column - origin.column
                    let d = Double(min(max(reconstruction.data[r], 0), 1) - image.data[(c * H + row) * W + column])
                    squares += d * d
                }
            }
        }
        return squares
    }

    /// `-sum log2 p` of `likelihoods`.
    package static func bits(_ likelihoods: Tensor) -> Double {
        var bits: Double = 0
        for p in likelihoods.data { bits -= log2(Double(p)) }
        return bits
    }
}
