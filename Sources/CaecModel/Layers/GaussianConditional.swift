import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The conditional entropy model of Ballé et al. 2018's scale hyperprior (CompressAI's `GaussianConditional`
/// without means): each latent element is a zero-mean Gaussian of its own scale, convolved with U(-1/2, 1/2).
///
/// The likelihood of a value v (rounded or noisy) under scale s is
/// `p(v | s) = Phi((1/2 - |v|) / s') - Phi((-1/2 - |v|) / s')`, `s' = max(s, scaleBound)`, bounded below by
/// `likelihoodBound`, with `Phi(t) = erfc(-t / sqrt 2) / 2` (computing the upper tail through |v| keeps the
/// difference accurate far from 0). Both bounds pass a gradient only where it pushes the value up, as CompressAI's
/// `LowerBound` does.
///
/// The codec does not evaluate `Phi`: it picks for each element one of `scaleTable.count` integer tables, built once
/// from this density at the table's scales and stored with the weights (Spec/model-weights.md §7.2). The index is
/// the first decision bound at least the predicted scale (`scaleIndex`), a pure comparison of floats, exact
/// everywhere; the bounds are the geometric midpoints of adjacent table scales (`decisionBounds`).
/// The layer has no parameters.
package enum GaussianConditional {
    /// Smallest scale the density uses (CompressAI's `SCALES_MIN`), also the first scale of the table.
    package static let scaleBound: Float = 0.11
    /// Smallest likelihood the rate sees.
    package static let likelihoodBound: Float = 1e-9
    /// Scales of the codec's tables: `exp(linspace(log 0.11, log 256, 64))` (CompressAI's `get_scale_table`), in
    /// binary64 then rounded to binary32.
    package static let scaleTable: [Float] = {
        let (low, high, count) = (log(0.11), log(256.0), 64)
        return (0..<count).map { Float(exp(low + (high - low) * Double($0) / Double(count - 1))) }
    }()

    /// The bound of table i < S - 1 is `sqrt(scaleTable[i] x scaleTable[i + 1])` (binary64, rounded to binary32),
    /// the last one `scaleTable[S - 1]`: an element takes the table whose scale is nearest its own in log. (Taking the
    /// first table scale at least its own, as CompressAI does, overstates scales by 6.5% on average, which cost
    /// 2-3% of the bits at low rates.) The codec reads the stored copy (`codec.gaussian.bounds`), not this one.
    package static var decisionBounds: [Float] {
        let scales = scaleTable.map(Double.init)
        return (0..<scales.count).map { i in
            i + 1 < scales.count ? Float((scales[i] * scales[i + 1]).squareRoot()) : Float(scales[i])
        }
    }

    /// The index of `scale` in `bounds` (ascending): the first i with `scale <= bounds[i]`, else the last index
    /// (also for NaN). Spec/cae-format.md §9.1.
    @inline(__always)
    package static func scaleIndex(_ scale: Float, bounds: [Float]) -> Int {
        for (i, bound) in bounds.enumerated().dropLast() where scale <= bound { return i }
        return bounds.count - 1
    }

    /// The standard normal cumulative in binary64.
    package static func phi(_ t: Double) -> Double { 0.5 * erfc(-t / 2.0.squareRoot()) }

    /// The mass of the integer `k` under a zero-mean Gaussian of scale `scale` convolved with U(-1/2, 1/2), in
    /// binary64: what the codec's tables quantise.
    package static func mass(_ k: Int, scale: Double) -> Double {
        let v = Double(abs(k))
        return phi((0.5 - v) / scale) - phi((-0.5 - v) / scale)
    }

    /// Likelihoods of `values` under `scales` (same shape).
    package static func likelihoods(_ values: Tensor, scales: Tensor) -> Tensor {
        precondition(
            values.shape == scales.shape, "GaussianConditional: values \(values.shape), scales \(scales.shape)")
        var output = values
        for i in values.data.indices { output.data[i] = likelihood(values.data[i], scales.data[i]).p }
        return output
    }

    /// Likelihoods and their pullback: dL/dLikelihoods -> (dL/dValues, dL/dScales).
    package static func likelihoodsTraining(_ values: Tensor, scales: Tensor) -> (
        output: Tensor, pullback: (Tensor) -> (dValues: Tensor, dScales: Tensor)
    ) {
        precondition(
            values.shape == scales.shape, "GaussianConditional: values \(values.shape), scales \(scales.shape)")
        var output = values
        var dValue = values
        var dScale = values
        // Element-wise, in blocks on the kernels' threads (the same values for any worker count).
        values.data.withUnsafeBufferPointer { v in
            scales.data.withUnsafeBufferPointer { s in
                output.data.withUnsafeMutableBufferPointer { p in
                    dValue.data.withUnsafeMutableBufferPointer { dv in
                        dScale.data.withUnsafeMutableBufferPointer { ds in
                            TensorParallelism.forEachBlock(v.count) { range in
                                for i in range {
                                    let r = likelihood(v[i], s[i])
                                    (p[i], dv[i], ds[i]) = (r.p, r.dValue, r.dScale)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (
            output,
            { gradOutput in
                var dValues = gradOutput
                var dScales = gradOutput
                gradOutput.data.withUnsafeBufferPointer { g in
                    dValues.data.withUnsafeMutableBufferPointer { dv in
                        dScales.data.withUnsafeMutableBufferPointer { ds in
                            TensorParallelism.forEachBlock(g.count) { range in
                                for i in range {
                                    // Lower bound on the likelihood: pass where it is above the bound or the
                                    // gradient raises it.
                                    let passes = output.data[i] > likelihoodBound || g[i] < 0
                                    dv[i] = passes ? g[i] * dValue.data[i] : 0
                                    let gs = passes ? g[i] * dScale.data[i] : 0
                                    // Lower bound on the scale: pass where it is above the bound or the gradient
                                    // raises it.
                                    ds[i] = scales.data[i] >= scaleBound || gs < 0 ? gs : 0
                                }
                            }
                        }
                    }
                }
                return (dValues, dScales)
            }
        )
    }

    /// p(v | s) and its partial derivatives in v and in the bounded scale.
    @inline(__always)
    static func likelihood(_ v: Float, _ s: Float) -> (p: Float, dValue: Float, dScale: Float) {
        let scale = Double(max(s, scaleBound))
        let magnitude = Double(abs(v))
        let upper = (0.5 - magnitude) / scale
        let lower = (-0.5 - magnitude) / scale
        let p = phi(upper) - phi(lower)
        let density = { (t: Double) in exp(-0.5 * t * t) / (2 * Double.pi).squareRoot() }
        let (du, dl) = (density(upper), density(lower))
        let dMagnitude = -(du - dl) / scale
        let dValue = v < 0 ? -dMagnitude : dMagnitude
        let dScale = -(du * upper - dl * lower) / scale
        return (max(Float(p), likelihoodBound), Float(dValue), Float(dScale))
    }
}
