import CCaecKernels

extension Tensor {
    /// Portable GDN / inverse GDN: for each channel `i` and each pixel `p` of a tile, `s[p] = beta[i]`, then
    /// `s[p] = s[p] + (gamma[i, j] * x[j, p]) * x[j, p]` for j in 0..<C in order, then `y[i, p] = x[i, p] / sqrt(s[p])`
    /// (inverse: `* sqrt(s[p])`), vectorised across p only (never across j), the sums by the kernel of
    /// `ExactKernels.level` (`caec_gdn_norm_exact`). Every element gets the reference
    /// kernel's sequence of single-precision operations (the product is `(gamma * x) * x`, as the reference's
    /// left-associative `gamma * xj * xj`), so the two agree bit for bit, on every machine and for any number of
    /// threads, for every instruction-set level. Work items are (sample, band of `gdnBandPixels` pixels), as in
    /// `gdnFast`.
    static func gdnPortable(
        _ x: [Float], _ beta: [Float], _ gamma: [Float], _ y: inout [Float], _ N: Int, _ C: Int, _ P: Int,
        inverse: Bool
    ) {
        // x and y are (N, C, P), beta is (C), gamma is (C, C)
        guard N > 0, C > 0, P > 0 else { return }
        x.withUnsafeBufferPointer { x in
            beta.withUnsafeBufferPointer { beta in
                gamma.withUnsafeBufferPointer { gamma in
                    y.withUnsafeMutableBufferPointer { y in
                        let (x, beta, gamma, y) = (
                            x.baseAddress!, beta.baseAddress!, gamma.baseAddress!, y.baseAddress!
                        )
                        let level = ExactKernels.level.rawValue
                        forEachGDNBand(samples: N, pixels: P) { _, n, pixels in
                            let (xSample, ySample) = (x + n * C * P, y + n * C * P)
                            // norm[i, p] = beta[i] + sum_j (gamma[i, j] * x[j, p]) * x[j, p], into y's band
                            let status = caec_gdn_norm_exact(
                                level, gamma, beta, xSample + pixels.lowerBound, ySample + pixels.lowerBound, C,
                                pixels.count, P, P)
                            precondition(status == 0, "out of memory in the portable GDN")
                            for i in 0..<C {
                                let (row, out) = (xSample + i * P, ySample + i * P)
                                if inverse {
                                    for p in pixels { out[p] = row[p] * out[p].squareRoot() }
                                } else {
                                    for p in pixels { out[p] = row[p] / out[p].squareRoot() }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
