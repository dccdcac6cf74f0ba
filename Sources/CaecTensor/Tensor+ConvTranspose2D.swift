extension Tensor {
    /// 2-D transposed convolution (PyTorch `ConvTranspose2d`, one group, dilation 1): the adjoint of `conv2d` with
    /// the same geometry, used as the learned upsampler of Ballé-style decoders (5x5, stride 2, padding 2, output
    /// padding 1 doubles the size).
    ///
    /// `output[n, oc, ih * strideH - padH + kh, iw * strideW - padW + kw] += input[n, ic, ih, iw]
    ///     * weight[ic, oc, kh, kw]` for every in-range position, plus `bias[oc]`.
    ///
    /// - Parameters:
    ///   - input: (N, IC, H, W).
    ///   - weight: (IC, OC, KH, KW) (PyTorch's layout: input channels first).
    ///   - bias: (OC), or nil.
    ///   - geometry: kernel, stride and padding of the convolution this transposes.
    ///   - outputPaddingH, outputPaddingW: extra rows/columns at the bottom/right, each below its stride.
    ///   - path: `.reference` is the loop that defines the bit-exact result the hyperprior's decoder needs
    ///     (Spec/cae-format.md §9.1): each output starts from its bias and adds `input * weight` in the order
    ///     ic, ih, iw, kh, kw, one multiply and one add a step (Swift never fuses them). `.portable` computes the
    ///     same sums in the same order, vectorised, by polyphase decomposition (`convTranspose2dPortable`): equal
    ///     to the reference up to the sign of zero, and bit-identical on every machine. `.fast` computes
    ///     `columns = weight^T * input` with sgemm and scatters them with col2im, in parallel over samples.
    /// - Returns: (N, OC, OH, OW) with OH = (H - 1) * strideH - 2 * padH + KH + outputPaddingH, likewise OW.
    package static func convTranspose2d(
        _ input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, outputPaddingH: Int = 0,
        outputPaddingW: Int = 0, path: KernelPath = .fast
    ) -> Tensor {
        let (N, IC, H, W) = input.nchw
        let (weightIC, OC, KH, KW) = weight.nchw
        precondition(weightIC == IC, "convTranspose2d: weight \(weight.shape) does not take \(IC) input channels")
        precondition(
            KH == geometry.kernelHeight && KW == geometry.kernelWidth,
            "convTranspose2d: weight \(weight.shape) does not match \(geometry)")
        precondition(bias == nil || bias!.shape == [OC], "convTranspose2d: bias must be (\(OC))")
        let (OH, OW) = geometry.transposedOutputSize(
            height: H, width: W, outputPaddingH: outputPaddingH, outputPaddingW: outputPaddingW)
        var output = Tensor(shape: [N, OC, OH, OW])
        let biasData = bias?.data ?? [Float](repeating: 0, count: OC)
        switch path {
        case .reference:
            convTranspose2dReference(input.data, weight.data, biasData, &output.data, N, IC, H, W, OC, OH, OW, geometry)
        case .portable where output.data.isEmpty || IC == 0:
            // Nothing to multiply: the reference loop writes the biases (or nothing).
            convTranspose2dReference(input.data, weight.data, biasData, &output.data, N, IC, H, W, OC, OH, OW, geometry)
        case .portable:
            convTranspose2dPortable(input.data, weight.data, biasData, &output.data, N, IC, H, W, OC, OH, OW, geometry)
        case .fast:
            convTranspose2dFast(input.data, weight.data, biasData, &output.data, N, IC, H, W, OC, OH, OW, geometry)
        }
        return output
    }

    // MARK: Reference

    private static func convTranspose2dReference(
        _ x: [Float], _ w: [Float], _ b: [Float], _ y: inout [Float],
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry
    ) {
        // x is (N, IC, H, W), w is (IC, OC, KH, KW), b is (OC), y is (N, OC, OH, OW)
        let (KH, KW) = (g.kernelHeight, g.kernelWidth)
        for n in 0..<N {
            for oc in 0..<OC {
                for i in 0..<OH * OW { y[(n * OC + oc) * OH * OW + i] = b[oc] }
            }
            for ic in 0..<IC {
                for ih in 0..<H {
                    for iw in 0..<W {
                        let value = x[((n * IC + ic) * H + ih) * W + iw]
                        for oc in 0..<OC {
                            for kh in 0..<KH {
                                let oh = ih * g.strideH - g.padH + kh
                                guard oh >= 0 && oh < OH else { continue }
                                for kw in 0..<KW {
                                    let ow = iw * g.strideW - g.padW + kw
                                    guard ow >= 0 && ow < OW else { continue }
                                    y[((n * OC + oc) * OH + oh) * OW + ow] +=
                                        value * w[((ic * OC + oc) * KH + kh) * KW + kw]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: Fast

    private static func convTranspose2dFast(
        _ x: [Float], _ w: [Float], _ b: [Float], _ y: inout [Float],
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry
    ) {
        // x is (N, IC, HW), w is (IC, K) with K = OC * KH * KW, b is (OC), y is (N, OC, OH, OW).
        // The columns are those of a convolution from (OC, OH, OW) to (H, W): the input rows are its output rows.
        // Items are (sample, group of output channels): col2im of a channel group writes only its own planes, so a
        // single image (the decoder at inference) still runs in parallel. The split depends on OC only.
        let KHW = g.kernelHeight * g.kernelWidth
        let K = OC * KHW
        let HW = H * W
        // Fewer output channels than a group (the decoder's last layer, 3): one channel an item, so that it runs on
        // up to three threads instead of one.
        let groupSize = OC < convTransposeGroupSize ? 1 : convTransposeGroupSize
        let groups = (OC + groupSize - 1) / groupSize
        let bandRows = Im2Col.bandRows(columnRows: min(OC, groupSize) * KHW, outputHeight: H, outputWidth: W)
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                b.withUnsafeBufferPointer { b in
                    y.withUnsafeMutableBufferPointer { y in
                        let (x, w, b, y) = (x.baseAddress!, w.baseAddress!, b.baseAddress!, y.baseAddress!)
                        TensorParallelism.forEach(N * groups) { item in
                            let (n, group) = item.quotientAndRemainder(dividingBy: groups)
                            let channels = group * groupSize..<min(OC, (group + 1) * groupSize)
                            let KG = channels.count * KHW
                            // columns is (KG, bandP): rows (oc, kh, kw) of this group
                            let columns = UnsafeMutablePointer<Float>.allocate(capacity: KG * bandRows * W)
                            defer { columns.deallocate() }
                            let yn = y + (n * OC + channels.lowerBound) * OH * OW
                            var ih0 = 0
                            while ih0 < H {
                                let rows = ih0..<min(H, ih0 + bandRows)
                                let bandP = rows.count * W
                                // columns = w[:, group]^T (KG, IC) * x[n][:, band] (IC, bandP)
                                BLAS.gemm(
                                    transposeA: true, transposeB: false, m: KG, n: bandP, k: IC,
                                    a: w + channels.lowerBound * KHW, lda: K, b: x + n * IC * HW + ih0 * W, ldb: HW,
                                    beta: 0, c: columns, ldc: bandP)
                                Im2Col.col2im(
                                    columns: columns, channels: channels.count, height: OH, width: OW, geometry: g,
                                    outputWidth: W, rows: rows, image: yn)
                                ih0 = rows.upperBound
                            }
                            for (index, oc) in channels.enumerated() {
                                let plane = yn + index * OH * OW
                                for i in 0..<OH * OW { plane[i] += b[oc] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Output channels per work item of the fast transposed convolution (one when there are fewer).
    private static let convTransposeGroupSize = 32
}
