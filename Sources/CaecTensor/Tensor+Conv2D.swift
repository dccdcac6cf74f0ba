extension Tensor {
    /// 2-D convolution (cross-correlation, as PyTorch's `Conv2d` with dilation 1 and one group).
    ///
    /// `output[n, oc, oh, ow] = bias[oc] + sum_{ic, kh, kw} weight[oc, ic, kh, kw]
    ///     * input[n, ic, oh * strideH - padH + kh, ow * strideW - padW + kw]` (zero outside the input).
    ///
    /// - Parameters:
    ///   - input: (N, IC, H, W).
    ///   - weight: (OC, IC, KH, KW), with KH x KW equal to the geometry's kernel.
    ///   - bias: (OC), or nil for none.
    ///   - geometry: kernel, stride and padding.
    ///   - path: `.fast` runs im2col + sgemm over bands of output rows, in parallel over (sample, band).
    /// - Returns: (N, OC, OH, OW) with (OH, OW) = `geometry.outputSize(height: H, width: W)`.
    ///
    /// Backward needs only `input` and `weight` (see `conv2dBackward`): the columns are recomputed there rather
    /// than kept, since for a 128-channel 5x5 layer on a 768x512 image they take 1.2 GB per sample.
    package static func conv2d(
        _ input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, path: KernelPath = .fast
    ) -> Tensor {
        let (N, IC, H, W) = input.nchw
        let (OC, weightIC, KH, KW) = weight.nchw
        precondition(weightIC == IC, "conv2d: weight \(weight.shape) does not take \(IC) input channels")
        precondition(
            KH == geometry.kernelHeight && KW == geometry.kernelWidth,
            "conv2d: weight \(weight.shape) does not match \(geometry)")
        precondition(bias == nil || bias!.shape == [OC], "conv2d: bias must be (\(OC))")
        let (OH, OW) = geometry.outputSize(height: H, width: W)
        var output = Tensor(shape: [N, OC, OH, OW])
        let biasData = bias?.data ?? [Float](repeating: 0, count: OC)
        switch path {
        case .reference:
            conv2dReference(
                input.data, weight.data, biasData, &output.data, N, IC, H, W, OC, OH, OW, geometry)
        case .portable:
            conv2dPortable(input.data, weight.data, biasData, &output.data, N, IC, H, W, OC, OH, OW, geometry)
        case .fast:
            conv2dFast(input.data, weight.data, biasData, &output.data, N, IC, H, W, OC, OH, OW, geometry)
        }
        return output
    }

    // MARK: Reference

    private static func conv2dReference(
        _ x: [Float], _ w: [Float], _ b: [Float], _ y: inout [Float],
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry
    ) {
        // x is (N, IC, H, W), w is (OC, IC, KH, KW), b is (OC), y is (N, OC, OH, OW)
        let (KH, KW) = (g.kernelHeight, g.kernelWidth)
        for n in 0..<N {
            for oc in 0..<OC {
                for oh in 0..<OH {
                    for ow in 0..<OW {
                        var sum = b[oc]
                        for ic in 0..<IC {
                            for kh in 0..<KH {
                                let ih = oh * g.strideH - g.padH + kh
                                guard ih >= 0 && ih < H else { continue }
                                for kw in 0..<KW {
                                    let iw = ow * g.strideW - g.padW + kw
                                    guard iw >= 0 && iw < W else { continue }
                                    sum +=
                                        w[((oc * IC + ic) * KH + kh) * KW + kw] * x[((n * IC + ic) * H + ih) * W + iw]
                                }
                            }
                        }
                        y[((n * OC + oc) * OH + oh) * OW + ow] = sum
                    }
                }
            }
        }
    }

    // MARK: Fast

    private static func conv2dFast(
        _ x: [Float], _ w: [Float], _ b: [Float], _ y: inout [Float],
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry
    ) {
        // x is (N, IC, H, W), w is (OC, K) with K = IC * KH * KW, b is (OC), y is (N, OC, P) with P = OH * OW
        let K = IC * g.kernelHeight * g.kernelWidth
        let P = OH * OW
        let group = Im2Col.samplesPerGroup(samples: N, columnRows: K, outputHeight: OH, outputWidth: OW)
        if group > 1 {
            conv2dFastGrouped(x, w, b, &y, N, IC, H, W, OC, OH, OW, g, group: group)
            return
        }
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                b.withUnsafeBufferPointer { b in
                    y.withUnsafeMutableBufferPointer { y in
                        let (x, w, b, y) = (x.baseAddress!, w.baseAddress!, b.baseAddress!, y.baseAddress!)
                        Im2Col.forEachBand(
                            x, samples: N, channels: IC, height: H, width: W, geometry: g, outputHeight: OH,
                            outputWidth: OW
                        ) { n, rows, columns in
                            let bandP = rows.count * OW
                            // out is the (OC, bandP) block of y[n] starting at row oh0, row stride P
                            let out = y + n * OC * P + rows.lowerBound * OW
                            for oc in 0..<OC { (out + oc * P).update(repeating: b[oc], count: bandP) }
                            BLAS.gemm(
                                transposeA: false, transposeB: false, m: OC, n: bandP, k: K, a: w, lda: K,
                                b: columns, ldb: bandP, beta: 1, c: out, ldc: P)
                        }
                    }
                }
            }
        }
    }

    // MARK: Fast, several samples per sgemm

    /// `conv2dFast` for small output planes: the columns of `group` consecutive samples side by side in one
    /// (K, group * P) matrix, so that one sgemm has enough columns; parallel over groups.
    private static func conv2dFastGrouped(
        _ x: [Float], _ w: [Float], _ b: [Float], _ y: inout [Float],
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry, group G: Int
    ) {
        // x is (N, IC, H, W), w is (OC, K), b is (OC), y is (N, OC, P); per group: columns (K, GP), out (OC, GP)
        let K = IC * g.kernelHeight * g.kernelWidth
        let P = OH * OW
        let groups = (N + G - 1) / G
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                b.withUnsafeBufferPointer { b in
                    y.withUnsafeMutableBufferPointer { y in
                        let (x, w, b, y) = (x.baseAddress!, w.baseAddress!, b.baseAddress!, y.baseAddress!)
                        TensorParallelism.forEach(groups) { item in
                            let samples = item * G..<min(N, (item + 1) * G)
                            let GP = samples.count * P
                            let columns = UnsafeMutablePointer<Float>.allocate(capacity: K * GP)
                            let out = UnsafeMutablePointer<Float>.allocate(capacity: OC * GP)
                            defer {
                                columns.deallocate()
                                out.deallocate()
                            }
                            for (s, n) in samples.enumerated() {
                                Im2Col.im2col(
                                    image: x + n * IC * H * W, channels: IC, height: H, width: W, geometry: g,
                                    outputWidth: OW, rows: 0..<OH, columns: columns + s * P, rowStride: GP)
                            }
                            for oc in 0..<OC { (out + oc * GP).update(repeating: b[oc], count: GP) }
                            BLAS.gemm(
                                transposeA: false, transposeB: false, m: OC, n: GP, k: K, a: w, lda: K, b: columns,
                                ldb: GP, beta: 1, c: out, ldc: GP)
                            for (s, n) in samples.enumerated() {
                                for oc in 0..<OC {
                                    (y + (n * OC + oc) * P).update(from: out + oc * GP + s * P, count: P)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
