import CaecTensor

/// d(-log2 p(v))/dv of a factorized density, tabulated per channel on a fine grid, for the encoder's latent search
/// (`LatentRefining`) with the factorized models (`bmshj-f-vr`, `cifar-task-vr`, `cifar-task-vr8`).
///
/// The search needs the rate's gradient at every latent element at every step; the density network
/// (`EntropyBottleneck`, 1-3-3-3-1 with tanh per channel) evaluated twice forward and twice backward per element was
/// a fifth of an effort-9 encode's CPU time. For a fixed channel the gradient is a smooth function of v, so it is
/// sampled once per search, `samplesPerUnit` points per unit, over the channel's range in the encoder's latent
/// widened by `margin` on both sides, and read back by linear interpolation (values beyond the grid take its edge).
/// The table only steers the search: the final choice between the encoder's symbols and the searched ones uses the
/// model's exact likelihoods, so a file is never worse by the model's own measure.
package struct RateGradientTable: Sendable {
    /// Grid points per latent unit.
    package static let samplesPerUnit = 32
    /// Latent units added below and above each channel's range.
    package static let margin = 8

    let channels: Int
    let points: Int
    /// Per channel: the grid's first value.
    let lower: [Float]
    /// (channels, points): d(-log2 p)/dv at `lower[c] + j / samplesPerUnit`.
    let gradients: [Float]

    /// Tabulates the density of `likelihoods` for the channels of `latent` (1, C, h, w).
    ///
    /// - Parameter likelihoods: the density's likelihoods of a (1, C, 1, n) tensor and its pullback (dL/dp ->
    ///   dL/dv), as `EntropyBottleneck.likelihoodsTraining` gives them.
    package init(latent: Tensor, likelihoods: (Tensor) -> (output: Tensor, pullback: (Tensor) -> Tensor)) {
        let (_, C, h, w) = latent.nchw
        let plane = h * w
        var lower = [Float](repeating: 0, count: C)
        var upper = [Float](repeating: 0, count: C)
        for c in 0..<C {
            let values = latent.data[c * plane..<(c + 1) * plane]
            lower[c] = (values.min() ?? 0).rounded(.down) - Float(Self.margin)
            upper[c] = (values.max() ?? 0).rounded(.up) + Float(Self.margin)
        }
        let widest = zip(lower, upper).map { $1 - $0 }.max() ?? 0
        let points = Int(widest) * Self.samplesPerUnit + 1
        var grid = Tensor(shape: [1, C, 1, points])
        for c in 0..<C {
            for j in 0..<points { grid.data[c * points + j] = lower[c] + Float(j) / Float(Self.samplesPerUnit) }
        }
        let (p, pullback) = likelihoods(grid)
        // d(-log2 p)/dp = -1 / (p ln 2): negative, so the likelihood's lower bound lets it through, as in the search.
        var dRate = Tensor(shape: grid.shape)
        for i in dRate.data.indices { dRate.data[i] = -1 / (p.data[i] * 0.693_147_18) }
        self.channels = C
        self.points = points
        self.lower = lower
        self.gradients = pullback(dRate).data
    }

    /// d(-log2 p)/dv of every element of `sample` (1, C, h, w), divided by `pixels` (the rate in bits per pixel).
    package func rateGradient(_ sample: Tensor, pixels: Int) -> Tensor {
        let (_, C, h, w) = sample.nchw
        precondition(C == channels, "RateGradientTable: \(C) channels, tabulated \(channels)")
        let plane = h * w
        let scale = 1 / Float(pixels)
        let density = Float(Self.samplesPerUnit)
        var result = Tensor(shape: sample.shape)
        sample.data.withUnsafeBufferPointer { values in
            result.data.withUnsafeMutableBufferPointer { out in
                gradients.withUnsafeBufferPointer { table in
                    TensorParallelism.forEach(C) { c in
                        let row = c * points
                        let last = Float(points - 1)
                        for i in c * plane..<(c + 1) * plane {
                            let t = min(max((values[i] - lower[c]) * density, 0), last)
                            let j = min(Int(t), points - 2)
                            let fraction = t - Float(j)
                            out[i] = scale * (table[row + j] + fraction * (table[row + j + 1] - table[row + j]))
                        }
                    }
                }
            }
        }
        return result
    }
}
