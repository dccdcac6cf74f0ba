import CCaecKernels

extension Tensor {
    /// Generalized divisive normalization (Ballé et al. 2016) and its inverse, per pixel across channels.
    ///
    /// `s[n, i, h, w] = beta[i] + sum_j gamma[i, j] * input[n, j, h, w]^2`;
    /// GDN: `output = input / sqrt(s)`; inverse GDN (`inverse: true`): `output = input * sqrt(s)`.
    /// beta and gamma are the effective (already reparametrised, positive) parameters, as CompressAI's `GDN`
    /// passes them to its 1x1 convolution.
    ///
    /// - Parameters:
    ///   - input: (N, C, H, W).
    ///   - beta: (C), positive.
    ///   - gamma: (C, C), non-negative; row i weighs the squares feeding channel i.
    ///   - path: `.fast` computes `s` with sgemm over bands of pixels, in parallel over (sample, band); `.portable`
    ///     runs the reference's arithmetic over tiles of pixels, in parallel likewise, bit-identical to `.reference`.
    /// - Returns: (N, C, H, W).
    package static func gdn(
        _ input: Tensor, beta: Tensor, gamma: Tensor, inverse: Bool = false, path: KernelPath = .fast
    ) -> Tensor {
        let (N, C, H, W) = input.nchw
        precondition(beta.shape == [C] && gamma.shape == [C, C], "gdn: beta must be (\(C)), gamma (\(C), \(C))")
        var output = Tensor(shape: input.shape)
        let P = H * W
        switch path {
        case .reference:
            // x, y are (N, C, P)
            for n in 0..<N {
                for p in 0..<P {
                    for i in 0..<C {
                        var s = beta.data[i]
                        for j in 0..<C {
                            let xj = input.data[(n * C + j) * P + p]
                            s += gamma.data[i * C + j] * xj * xj
                        }
                        let xi = input.data[(n * C + i) * P + p]
                        output.data[(n * C + i) * P + p] = inverse ? xi * s.squareRoot() : xi / s.squareRoot()
                    }
                }
            }
        case .portable:
            gdnPortable(input.data, beta.data, gamma.data, &output.data, N, C, P, inverse: inverse)
        case .fast:
            gdnFast(input, beta: beta, gamma: gamma, inverse: inverse, output: &output.data, gradOutput: nil)
        }
        return output
    }

    /// Pixels per GDN band: fixed, so the split (and the reduction order) depends on the shape only.
    static let gdnBandPixels = 2048

    /// The GDN work items of N samples of P pixels: (sample, band of `gdnBandPixels` pixels), item i being sample
    /// `i / bands`, band `i % bands`.
    static func gdnItems(samples N: Int, pixels P: Int) -> Int {
        P == 0 ? 0 : N * ((P + gdnBandPixels - 1) / gdnBandPixels)
    }

    /// Calls `body(item, sample, pixels)` for every GDN work item (see `gdnItems`), in parallel.
    static func forEachGDNBand(samples N: Int, pixels P: Int, _ body: (Int, Int, Range<Int>) -> Void) {
        let bands = (P + gdnBandPixels - 1) / gdnBandPixels
        TensorParallelism.forEach(gdnItems(samples: N, pixels: P)) { item in
            let (n, band) = item.quotientAndRemainder(dividingBy: bands)
            let start = band * gdnBandPixels
            body(item, n, start..<min(P, start + gdnBandPixels))
        }
    }

    /// The fast GDN forward (gradOutput nil: writes the output) or backward (writes dInput and returns per-item
    /// partial dBeta and dGamma, (items, C + C * C)). Items are (sample, band of pixels).
    @discardableResult
    static func gdnFast(
        _ input: Tensor, beta: Tensor, gamma: Tensor, inverse: Bool, output: inout [Float], gradOutput: Tensor?
    ) -> [Float] {
        let (N, C, H, W) = input.nchw
        let P = H * W
        let items = gdnItems(samples: N, pixels: P)
        let backward = gradOutput != nil
        let parameters = !GradientScope.inputOnly
        var partials = [Float](repeating: 0, count: backward ? items * (C + C * C) : 0)
        let dyData = gradOutput?.data ?? []
        input.data.withUnsafeBufferPointer { x in
            beta.data.withUnsafeBufferPointer { beta in
                gamma.data.withUnsafeBufferPointer { gamma in
                    dyData.withUnsafeBufferPointer { dy in
                        output.withUnsafeMutableBufferPointer { y in
                            partials.withUnsafeMutableBufferPointer { partials in
                                let (x, beta, gamma, y) = (
                                    x.baseAddress!, beta.baseAddress!, gamma.baseAddress!, y.baseAddress!
                                )
                                let (dy, partials) = (dy.baseAddress, partials.baseAddress)
                                forEachGDNBand(samples: N, pixels: P) { item, n, pixels in
                                    let (p0, B) = (pixels.lowerBound, pixels.count)
                                    // squares, s and (backward) v, mixed are (C, B); x, y, dy blocks are (C, B) with row stride P
                                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 4 * C * B)
                                    defer { scratch.deallocate() }
                                    let (squares, s, v, mixed) = (
                                        scratch, scratch + C * B, scratch + 2 * C * B, scratch + 3 * C * B
                                    )
                                    let xBlock = x + n * C * P + p0
                                    caec_gdn_prepare(xBlock, P, beta, squares, s, C, B)
                                    // s (C, B) += gamma (C, C) * squares (C, B)
                                    BLAS.gemm(
                                        transposeA: false, transposeB: false, m: C, n: B, k: C, a: gamma, lda: C,
                                        b: squares, ldb: B, beta: 1, c: s, ldc: B)
                                    let yBlock = y + n * C * P + p0
                                    guard backward, let dy, let partials else {
                                        caec_gdn_finish(xBlock, P, s, yBlock, P, C, B, inverse ? 1 : 0)
                                        return
                                    }
                                    let dyBlock = dy + n * C * P + p0
                                    let dBeta = partials + item * (C + C * C)
                                    // v = dy * e * x * s^e / s, s := s^e, dBeta = sum_p v
                                    caec_gdn_backward_factors(xBlock, dyBlock, P, s, v, dBeta, C, B, inverse ? 1 : 0)
                                    // dGamma (C, C) = v (C, B) * squares^T (B, C)
                                    if parameters {
                                        BLAS.gemm(
                                            transposeA: false, transposeB: true, m: C, n: C, k: B, a: v, lda: B,
                                            b: squares, ldb: B, beta: 0, c: dBeta + C, ldc: C)
                                    }
                                    // mixed (C, B) = gamma^T (C, C) * v (C, B)
                                    BLAS.gemm(
                                        transposeA: true, transposeB: false, m: C, n: B, k: C, a: gamma, lda: C, b: v,
                                        ldb: B, beta: 0, c: mixed, ldc: B)
                                    caec_gdn_backward_combine(xBlock, dyBlock, P, s, mixed, yBlock, C, B)
                                }
                            }
                        }
                    }
                }
            }
        }
        return partials
    }
}
