extension Tensor {
    /// Backward of `conv2d`: given dL/dOutput (N, OC, OH, OW), returns dL/dInput (N, IC, H, W),
    /// dL/dWeight (OC, IC, KH, KW) and dL/dBias (OC).
    ///
    /// `dInput = col2im(weight^T * dOutput)`, `dWeight = sum_n dOutput_n * columns_n^T`,
    /// `dBias[oc] = sum_{n, oh, ow} dOutput[n, oc, oh, ow]`. The fast path computes per-sample partial weight and
    /// bias gradients in parallel and adds them in sample order.
    package static func conv2dBackward(
        _ gradOutput: Tensor, input: Tensor, weight: Tensor, geometry: Conv2DGeometry, path: KernelPath = .fast
    ) -> LayerGradients {
        let (N, IC, H, W) = input.nchw
        let (OC, _, KH, KW) = weight.nchw
        let (OH, OW) = geometry.outputSize(height: H, width: W)
        precondition(gradOutput.shape == [N, OC, OH, OW], "conv2dBackward: gradOutput must be \([N, OC, OH, OW])")
        var gradients = LayerGradients(
            dInput: Tensor(shape: input.shape), dWeight: Tensor(shape: [OC, IC, KH, KW]), dBias: Tensor(shape: [OC]))
        switch path {
        case .reference, .portable:
            conv2dBackwardReference(
                gradOutput.data, input.data, weight.data, &gradients, N, IC, H, W, OC, OH, OW, geometry)
        case .fast:
            conv2dBackwardFast(
                gradOutput.data, input.data, weight.data, &gradients, N, IC, H, W, OC, OH, OW, geometry)
        }
        return gradients
    }

    private static func conv2dBackwardReference(
        _ dy: [Float], _ x: [Float], _ w: [Float], _ gradients: inout LayerGradients,
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry
    ) {
        // dy is (N, OC, OH, OW), x and dx are (N, IC, H, W), w and dw are (OC, IC, KH, KW), db is (OC)
        let (KH, KW) = (g.kernelHeight, g.kernelWidth)
        for n in 0..<N {
            for oc in 0..<OC {
                for oh in 0..<OH {
                    for ow in 0..<OW {
                        let grad = dy[((n * OC + oc) * OH + oh) * OW + ow]
                        gradients.dBias.data[oc] += grad
                        for ic in 0..<IC {
                            for kh in 0..<KH {
                                let ih = oh * g.strideH - g.padH + kh
                                guard ih >= 0 && ih < H else { continue }
                                for kw in 0..<KW {
                                    let iw = ow * g.strideW - g.padW + kw
                                    guard iw >= 0 && iw < W else { continue }
                                    let wi = ((oc * IC + ic) * KH + kh) * KW + kw
                                    let xi = ((n * IC + ic) * H + ih) * W + iw
                                    gradients.dWeight.data[wi] += grad * x[xi]
                                    gradients.dInput.data[xi] += grad * w[wi]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func conv2dBackwardFast(
        _ dy: [Float], _ x: [Float], _ w: [Float], _ gradients: inout LayerGradients,
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry
    ) {
        // dy is (N, OC, P), x and dx are (N, IC, H, W), w is (OC, K); per-sample partials: dw (N, OC, K), db (N, OC)
        let K = IC * g.kernelHeight * g.kernelWidth
        let P = OH * OW
        let group = Im2Col.samplesPerGroup(samples: N, columnRows: K, outputHeight: OH, outputWidth: OW)
        if group > 1 {
            conv2dBackwardFastGrouped(dy, x, w, &gradients, N, IC, H, W, OC, OH, OW, g, group: group)
            return
        }
        let bandRows = Im2Col.bandRows(columnRows: K, outputHeight: OH, outputWidth: OW)
        var partialWeight = [Float](repeating: 0, count: N * OC * K)
        var partialBias = [Float](repeating: 0, count: N * OC)
        dy.withUnsafeBufferPointer { dy in
            x.withUnsafeBufferPointer { x in
                w.withUnsafeBufferPointer { w in
                    gradients.dInput.data.withUnsafeMutableBufferPointer { dx in
                        partialWeight.withUnsafeMutableBufferPointer { dw in
                            partialBias.withUnsafeMutableBufferPointer { db in
                                let (dy, x, w) = (dy.baseAddress!, x.baseAddress!, w.baseAddress!)
                                let (dx, dw, db) = (dx.baseAddress!, dw.baseAddress!, db.baseAddress!)
                                TensorParallelism.forEach(N) { n in
                                    let capacity = K * bandRows * OW
                                    // columns and dColumns are (K, bandP)
                                    let columns = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
                                    let dColumns = UnsafeMutablePointer<Float>.allocate(capacity: capacity)
                                    defer {
                                        columns.deallocate()
                                        dColumns.deallocate()
                                    }
                                    let dyn = dy + n * OC * P
                                    var oh0 = 0
                                    while oh0 < OH {
                                        let rows = oh0..<min(OH, oh0 + bandRows)
                                        let bandP = rows.count * OW
                                        Im2Col.im2col(
                                            image: x + n * IC * H * W, channels: IC, height: H, width: W,
                                            geometry: g, outputWidth: OW, rows: rows, columns: columns)
                                        // dw[n] += dy[n][:, band] (OC, bandP) * columns^T (bandP, K)
                                        BLAS.gemm(
                                            transposeA: false, transposeB: true, m: OC, n: K, k: bandP,
                                            a: dyn + oh0 * OW, lda: P, b: columns, ldb: bandP,
                                            beta: oh0 == 0 ? 0 : 1, c: dw + n * OC * K, ldc: K)
                                        // dColumns = w^T (K, OC) * dy[n][:, band] (OC, bandP)
                                        BLAS.gemm(
                                            transposeA: true, transposeB: false, m: K, n: bandP, k: OC, a: w, lda: K,
                                            b: dyn + oh0 * OW, ldb: P, beta: 0, c: dColumns, ldc: bandP)
                                        Im2Col.col2im(
                                            columns: dColumns, channels: IC, height: H, width: W, geometry: g,
                                            outputWidth: OW, rows: rows, image: dx + n * IC * H * W)
                                        oh0 = rows.upperBound
                                    }
                                    for oc in 0..<OC {
                                        db[n * OC + oc] = Elementwise.sum(dyn + oc * P, count: P)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        Elementwise.sumSlices(partialWeight, slices: N, into: &gradients.dWeight.data)
        Elementwise.sumSlices(partialBias, slices: N, into: &gradients.dBias.data)
    }

    /// `conv2dBackwardFast` for small output planes, `group` samples per sgemm (see `conv2dFastGrouped`).
    /// Weight and bias gradients are summed per group, then over groups in order.
    private static func conv2dBackwardFastGrouped(
        _ dy: [Float], _ x: [Float], _ w: [Float], _ gradients: inout LayerGradients,
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry, group G: Int
    ) {
        // dy is (N, OC, P), x and dx are (N, IC, H, W), w is (OC, K); per group: columns and dColumns (K, GP),
        // dyGroup (OC, GP); partials dw (groups, OC, K), db (groups, OC)
        let K = IC * g.kernelHeight * g.kernelWidth
        let P = OH * OW
        let groups = (N + G - 1) / G
        var partialWeight = [Float](repeating: 0, count: groups * OC * K)
        var partialBias = [Float](repeating: 0, count: groups * OC)
        dy.withUnsafeBufferPointer { dy in
            x.withUnsafeBufferPointer { x in
                w.withUnsafeBufferPointer { w in
                    gradients.dInput.data.withUnsafeMutableBufferPointer { dx in
                        partialWeight.withUnsafeMutableBufferPointer { dw in
                            partialBias.withUnsafeMutableBufferPointer { db in
                                let (dy, x, w) = (dy.baseAddress!, x.baseAddress!, w.baseAddress!)
                                let (dx, dw, db) = (dx.baseAddress!, dw.baseAddress!, db.baseAddress!)
                                TensorParallelism.forEach(groups) { item in
                                    let samples = item * G..<min(N, (item + 1) * G)
                                    let GP = samples.count * P
                                    let columns = UnsafeMutablePointer<Float>.allocate(capacity: K * GP)
                                    let dColumns = UnsafeMutablePointer<Float>.allocate(capacity: K * GP)
                                    let dyGroup = UnsafeMutablePointer<Float>.allocate(capacity: OC * GP)
                                    defer {
                                        columns.deallocate()
                                        dColumns.deallocate()
                                        dyGroup.deallocate()
                                    }
                                    for (s, n) in samples.enumerated() {
                                        Im2Col.im2col(
                                            image: x + n * IC * H * W, channels: IC, height: H, width: W,
                                            geometry: g, outputWidth: OW, rows: 0..<OH, columns: columns + s * P,
                                            rowStride: GP)
                                        for oc in 0..<OC {
                                            (dyGroup + oc * GP + s * P).update(from: dy + (n * OC + oc) * P, count: P)
                                        }
                                    }
                                    // dw[group] = dyGroup (OC, GP) * columns^T (GP, K)
                                    BLAS.gemm(
                                        transposeA: false, transposeB: true, m: OC, n: K, k: GP, a: dyGroup, lda: GP,
                                        b: columns, ldb: GP, beta: 0, c: dw + item * OC * K, ldc: K)
                                    // dColumns = w^T (K, OC) * dyGroup (OC, GP)
                                    BLAS.gemm(
                                        transposeA: true, transposeB: false, m: K, n: GP, k: OC, a: w, lda: K,
                                        b: dyGroup, ldb: GP, beta: 0, c: dColumns, ldc: GP)
                                    for (s, n) in samples.enumerated() {
                                        Im2Col.col2im(
                                            columns: dColumns + s * P, channels: IC, height: H, width: W, geometry: g,
                                            outputWidth: OW, rows: 0..<OH, image: dx + n * IC * H * W, rowStride: GP)
                                    }
                                    for oc in 0..<OC {
                                        db[item * OC + oc] = Elementwise.sum(dyGroup + oc * GP, count: GP)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        Elementwise.sumSlices(partialWeight, slices: groups, into: &gradients.dWeight.data)
        Elementwise.sumSlices(partialBias, slices: groups, into: &gradients.dBias.data)
    }
}
