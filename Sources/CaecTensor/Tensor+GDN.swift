import CCaecKernels

/// Gradients of GDN / inverse GDN.
package struct GDNGradients: Sendable, Equatable {
    /// dL/dInput, (N, C, H, W).
    package var dInput: Tensor
    /// dL/dBeta, (C).
    package var dBeta: Tensor
    /// dL/dGamma, (C, C).
    package var dGamma: Tensor
}

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

    /// Backward of `gdn`. With `y = x * s^e` (e = -1/2 for GDN, +1/2 for inverse GDN) and
    /// `v[i] = gradOutput[i] * e * x[i] * s[i]^(e - 1)` per pixel:
    /// `dInput[k] = gradOutput[k] * s[k]^e + 2 * x[k] * sum_i gamma[i, k] * v[i]`,
    /// `dBeta[i] = sum_pixels v[i]`, `dGamma[i, j] = sum_pixels v[i] * x[j]^2`.
    /// gradOutput and input are (N, C, H, W); `s` is recomputed from input, beta and gamma.
    package static func gdnBackward(
        _ gradOutput: Tensor, input: Tensor, beta: Tensor, gamma: Tensor, inverse: Bool = false,
        path: KernelPath = .fast
    ) -> GDNGradients {
        let (N, C, H, W) = input.nchw
        precondition(gradOutput.shape == input.shape, "gdnBackward: gradOutput must be \(input.shape)")
        precondition(
            beta.shape == [C] && gamma.shape == [C, C], "gdnBackward: beta must be (\(C)), gamma (\(C), \(C))")
        let P = H * W
        var gradients = GDNGradients(
            dInput: Tensor(shape: input.shape), dBeta: Tensor(shape: [C]), dGamma: Tensor(shape: [C, C]))
        let e: Float = inverse ? 0.5 : -0.5
        switch path {
        case .reference, .portable:
            var s = [Float](repeating: 0, count: C)
            var v = [Float](repeating: 0, count: C)
            for n in 0..<N {
                for p in 0..<P {
                    func x(_ c: Int) -> Float { input.data[(n * C + c) * P + p] }
                    for i in 0..<C {
                        s[i] = beta.data[i]
                        for j in 0..<C { s[i] += gamma.data[i * C + j] * x(j) * x(j) }
                    }
                    for i in 0..<C {
                        let root = s[i].squareRoot()
                        let power = inverse ? root : 1 / root
                        v[i] = gradOutput.data[(n * C + i) * P + p] * e * x(i) * power / s[i]
                        gradients.dBeta.data[i] += v[i]
                        for j in 0..<C { gradients.dGamma.data[i * C + j] += v[i] * x(j) * x(j) }
                    }
                    for k in 0..<C {
                        var mixed: Float = 0
                        for i in 0..<C { mixed += gamma.data[i * C + k] * v[i] }
                        let root = s[k].squareRoot()
                        let power = inverse ? root : 1 / root
                        gradients.dInput.data[(n * C + k) * P + p] =
                            gradOutput.data[(n * C + k) * P + p] * power + 2 * x(k) * mixed
                    }
                }
            }
        case .fast:
            let partials = gdnFast(
                input, beta: beta, gamma: gamma, inverse: inverse, output: &gradients.dInput.data,
                gradOutput: gradOutput)
            // partials is (items, C + C * C): dBeta then dGamma of each item, reduced in item order.
            let items = partials.count / (C + C * C)
            var dBeta = [Float](repeating: 0, count: C)
            var dGamma = [Float](repeating: 0, count: C * C)
            for item in 0..<items {
                let base = item * (C + C * C)
                for i in 0..<C { dBeta[i] += partials[base + i] }
                for i in 0..<C * C { dGamma[i] += partials[base + C + i] }
            }
            gradients.dBeta.data = dBeta
            gradients.dGamma.data = dGamma
        }
        return gradients
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
    private static func gdnFast(
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
