extension Tensor {
    /// Pixels per tile of the portable GDN: the tile's rows of all C input channels (C * T floats, 64 KB for C = 64)
    /// stay in cache while the sums of every output channel are accumulated over them.
    static let gdnPortableTile = 256

    /// Portable GDN / inverse GDN: for each channel `i` and each pixel `p` of a tile, `s[p] = beta[i]`, then
    /// `s[p] = s[p] + (gamma[i, j] * x[j, p]) * x[j, p]` for j in 0..<C in order, then `y[i, p] = x[i, p] / sqrt(s[p])`
    /// (inverse: `* sqrt(s[p])`), vectorised across p only (never across j). Every element gets the reference
    /// kernel's sequence of single-precision operations (the product is `(gamma * x) * x`, as the reference's
    /// left-associative `gamma * xj * xj`), so the two agree bit for bit, on every machine and for any number of
    /// threads. Work items are (sample, band of `gdnBandPixels` pixels), as in `gdnFast`; about 15x faster than
    /// the reference loops, which stride across channels.
    static func gdnPortable(
        _ x: [Float], _ beta: [Float], _ gamma: [Float], _ y: inout [Float], _ N: Int, _ C: Int, _ P: Int,
        inverse: Bool
    ) {
        // x and y are (N, C, P), beta is (C), gamma is (C, C)
        guard N > 0, C > 0, P > 0 else { return }
        let T = gdnPortableTile
        x.withUnsafeBufferPointer { x in
            beta.withUnsafeBufferPointer { beta in
                gamma.withUnsafeBufferPointer { gamma in
                    y.withUnsafeMutableBufferPointer { y in
                        let (x, beta, gamma, y) = (
                            x.baseAddress!, beta.baseAddress!, gamma.baseAddress!, y.baseAddress!
                        )
                        forEachGDNBand(samples: N, pixels: P) { _, n, pixels in
                            // s is (T)
                            let s = UnsafeMutablePointer<Float>.allocate(capacity: T)
                            defer { s.deallocate() }
                            let (xSample, ySample) = (x + n * C * P, y + n * C * P)
                            var start = pixels.lowerBound
                            while start < pixels.upperBound {
                                let count = min(T, pixels.upperBound - start)
                                for i in 0..<C {
                                    s.update(repeating: beta[i], count: count)
                                    let weights = gamma + i * C
                                    for j in 0..<C {
                                        let weight = weights[j]
                                        let row = xSample + j * P + start
                                        for p in 0..<count {
                                            let product = weight * row[p] * row[p]
                                            s[p] = s[p] + product
                                        }
                                    }
                                    let (row, out) = (xSample + i * P + start, ySample + i * P + start)
                                    if inverse {
                                        for p in 0..<count { out[p] = row[p] * s[p].squareRoot() }
                                    } else {
                                        for p in 0..<count { out[p] = row[p] / s[p].squareRoot() }
                                    }
                                }
                                start += count
                            }
                        }
                    }
                }
            }
        }
    }
}
