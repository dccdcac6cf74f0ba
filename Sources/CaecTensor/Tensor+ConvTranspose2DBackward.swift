extension Tensor {
    /// Backward of `convTranspose2d`: given dL/dOutput (N, OC, OH, OW) (its size fixes the output padding), returns
    /// dL/dInput (N, IC, H, W), dL/dWeight (IC, OC, KH, KW) and dL/dBias (OC).
    ///
    /// `dInput = weight * im2col(dOutput)` (a plain convolution of dOutput), `dWeight = sum_n input_n *
    /// im2col(dOutput_n)^T`, `dBias[oc] = sum_{n, oh, ow} dOutput[n, oc, oh, ow]`.
    package static func convTranspose2dBackward(
        _ gradOutput: Tensor, input: Tensor, weight: Tensor, geometry: Conv2DGeometry, path: KernelPath = .fast
    ) -> LayerGradients {
        let (N, IC, H, W) = input.nchw
        let (_, OC, KH, KW) = weight.nchw
        let (_, _, OH, OW) = gradOutput.nchw
        precondition(
            gradOutput.shape[0] == N && gradOutput.shape[1] == OC
                && geometry.outputSize(height: OH, width: OW) == (H, W)
                && OH >= geometry.transposedOutputSize(height: H, width: W).height
                && OW >= geometry.transposedOutputSize(height: H, width: W).width,
            "convTranspose2dBackward: gradOutput \(gradOutput.shape) does not fit input \(input.shape), \(geometry)")
        var gradients = LayerGradients(
            dInput: Tensor(shape: input.shape), dWeight: Tensor(shape: [IC, OC, KH, KW]), dBias: Tensor(shape: [OC]))
        switch path {
        case .reference, .portable:
            convTranspose2dBackwardReference(
                gradOutput.data, input.data, weight.data, &gradients, N, IC, H, W, OC, OH, OW, geometry)
        case .fast:
            convTranspose2dBackwardFast(
                gradOutput.data, input.data, weight.data, &gradients, N, IC, H, W, OC, OH, OW, geometry)
        }
        return gradients
    }

    private static func convTranspose2dBackwardReference(
        _ dy: [Float], _ x: [Float], _ w: [Float], _ gradients: inout LayerGradients,
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry
    ) {
        // dy is (N, OC, OH, OW), x and dx are (N, IC, H, W), w and dw are (IC, OC, KH, KW), db is (OC)
        let (KH, KW) = (g.kernelHeight, g.kernelWidth)
        for n in 0..<N {
            for oc in 0..<OC {
                for i in 0..<OH * OW { gradients.dBias.data[oc] += dy[(n * OC + oc) * OH * OW + i] }
            }
            for ic in 0..<IC {
                for ih in 0..<H {
                    for iw in 0..<W {
                        let xi = ((n * IC + ic) * H + ih) * W + iw
                        for oc in 0..<OC {
                            for kh in 0..<KH {
                                let oh = ih * g.strideH - g.padH + kh
                                guard oh >= 0 && oh < OH else { continue }
                                for kw in 0..<KW {
                                    let ow = iw * g.strideW - g.padW + kw
                                    guard ow >= 0 && ow < OW else { continue }
                                    let grad = dy[((n * OC + oc) * OH + oh) * OW + ow]
                                    let wi = ((ic * OC + oc) * KH + kh) * KW + kw
                                    gradients.dInput.data[xi] += grad * w[wi]
                                    gradients.dWeight.data[wi] += grad * x[xi]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Work items are (sample, band of input rows), so one large image keeps every worker busy; the weight
    /// gradient is summed from per-item partials in item order, so the result does not depend on the worker count.
    /// With `GradientScope.inputOnly` only dInput is computed.
    private static func convTranspose2dBackwardFast(
        _ dy: [Float], _ x: [Float], _ w: [Float], _ gradients: inout LayerGradients,
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry
    ) {
        // dy is (N, OC, OH, OW), x and dx are (N, IC, HW), w is (IC, K); partials dw (items, IC, K), db (N, OC)
        let K = OC * g.kernelHeight * g.kernelWidth
        let HW = H * W
        let bandRows = Im2Col.bandRows(columnRows: K, outputHeight: H, outputWidth: W)
        let bands = (H + bandRows - 1) / bandRows
        let items = N * bands
        let parameters = !GradientScope.inputOnly
        var partialWeight = [Float](repeating: 0, count: parameters ? items * IC * K : 0)
        var partialBias = [Float](repeating: 0, count: N * OC)
        dy.withUnsafeBufferPointer { dy in
            x.withUnsafeBufferPointer { x in
                w.withUnsafeBufferPointer { w in
                    gradients.dInput.data.withUnsafeMutableBufferPointer { dx in
                        partialWeight.withUnsafeMutableBufferPointer { dw in
                            partialBias.withUnsafeMutableBufferPointer { db in
                                let (dy, x, w) = (dy.baseAddress!, x.baseAddress!, w.baseAddress!)
                                let (dx, dw, db) = (dx.baseAddress!, dw.baseAddress, db.baseAddress!)
                                TensorParallelism.forEach(items) { item in
                                    let (n, band) = item.quotientAndRemainder(dividingBy: bands)
                                    let rows = band * bandRows..<min(H, (band + 1) * bandRows)
                                    let (ih0, bandP) = (rows.lowerBound, rows.count * W)
                                    // columns is (K, bandP)
                                    let columns = UnsafeMutablePointer<Float>.allocate(capacity: K * bandP)
                                    defer { columns.deallocate() }
                                    let dyn = dy + n * OC * OH * OW
                                    Im2Col.im2col(
                                        image: dyn, channels: OC, height: OH, width: OW, geometry: g, outputWidth: W,
                                        rows: rows, columns: columns)
                                    // dx[n][:, band] (IC, bandP) = w (IC, K) * columns (K, bandP)
                                    BLAS.gemm(
                                        transposeA: false, transposeB: false, m: IC, n: bandP, k: K, a: w, lda: K,
                                        b: columns, ldb: bandP, beta: 0, c: dx + n * IC * HW + ih0 * W, ldc: HW)
                                    guard parameters, let dw else { return }
                                    // dw[item] (IC, K) = x[n][:, band] (IC, bandP) * columns^T (bandP, K)
                                    BLAS.gemm(
                                        transposeA: false, transposeB: true, m: IC, n: K, k: bandP,
                                        a: x + n * IC * HW + ih0 * W, lda: HW, b: columns, ldb: bandP, beta: 0,
                                        c: dw + item * IC * K, ldc: K)
                                    guard band == 0 else { return }
                                    for oc in 0..<OC {
                                        db[n * OC + oc] = Elementwise.sum(dyn + oc * OH * OW, count: OH * OW)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard parameters else { return }
        Elementwise.sumSlices(partialWeight, slices: items, into: &gradients.dWeight.data)
        Elementwise.sumSlices(partialBias, slices: N, into: &gradients.dBias.data)
    }
}
