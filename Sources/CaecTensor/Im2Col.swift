import CCaecKernels

/// im2col / col2im over a band of output rows of one sample (the shared core of the GEMM convolutions).
///
/// The column matrix of rows `oh0..<oh1` is (C * KH * KW, (oh1 - oh0) * OW), row-major: row `(c, kh, kw)`,
/// column `(oh - oh0) * OW + ow` holds `image[c, oh * strideH - padH + kh, ow * strideW - padW + kw]`, or 0 where
/// that falls into the padding (llm.c and Caffe lay columns out the same way).
enum Im2Col {
    /// Band height (output rows per column buffer): about 2^21 floats (8 MB) of columns, at least one row.
    /// Depends on the shapes only, so the work split, and hence the result, never depends on the thread count.
    static func bandRows(columnRows K: Int, outputHeight OH: Int, outputWidth OW: Int) -> Int {
        let rows = (1 << 21) / max(1, K * OW)
        return min(OH, max(1, rows))
    }

    /// Samples per column matrix for images whose columns fit in one band: enough that a small output plane
    /// (P = OH * OW) still gives sgemm about 1024 columns, within the same 2^21-float budget as a band. 1 for
    /// large images, whose columns are split into bands instead. Depends on the shapes only.
    static func samplesPerGroup(samples N: Int, columnRows K: Int, outputHeight OH: Int, outputWidth OW: Int) -> Int {
        let P = OH * OW
        guard P > 0, bandRows(columnRows: K, outputHeight: OH, outputWidth: OW) == OH else { return 1 }
        return max(1, min(N, 1024 / P, (1 << 21) / max(1, K * P)))
    }

    /// Calls `body(n, rows, columns)` for every sample `n` and band of output rows `rows` of a convolution over
    /// `x` (N, IC, H, W), in parallel over (sample, band), with `columns` (IC * KH * KW, rows.count * OW) holding
    /// that band's im2col matrix. The bands depend only on the shapes, so the split never depends on the thread
    /// count. The shared scaffolding of the sgemm and the portable convolution kernels.
    static func forEachBand(
        _ x: UnsafePointer<Float>, samples N: Int, channels IC: Int, height H: Int, width W: Int,
        geometry g: Conv2DGeometry, outputHeight OH: Int, outputWidth OW: Int,
        _ body: (_ n: Int, _ rows: Range<Int>, _ columns: UnsafeMutablePointer<Float>) -> Void
    ) {
        let K = IC * g.kernelHeight * g.kernelWidth
        let bandRows = bandRows(columnRows: K, outputHeight: OH, outputWidth: OW)
        let bands = (OH + bandRows - 1) / bandRows
        TensorParallelism.forEach(N * bands) { item in
            let (n, band) = item.quotientAndRemainder(dividingBy: bands)
            let rows = band * bandRows..<min(OH, (band + 1) * bandRows)
            // columns is (K, rows.count * OW)
            let columns = UnsafeMutablePointer<Float>.allocate(capacity: K * rows.count * OW)
            defer { columns.deallocate() }
            im2col(
                image: x + n * IC * H * W, channels: IC, height: H, width: W, geometry: g, outputWidth: OW,
                rows: rows, columns: columns)
            body(n, rows, columns)
        }
    }

    /// Output columns `ow` whose input column `ow * stride - pad + offset` lies inside `0..<size`.
    @inline(__always)
    static func validRange(offset: Int, pad: Int, stride: Int, size: Int, outputSize: Int) -> Range<Int> {
        // ow * stride >= pad - offset, and ow * stride <= size - 1 + pad - offset.
        let low = pad - offset > 0 ? (pad - offset + stride - 1) / stride : 0
        let last = size - 1 + pad - offset
        let high = last < 0 ? 0 : last / stride + 1
        let lower = min(low, outputSize)
        return lower..<max(lower, min(high, outputSize))
    }

    /// Writes the columns of output rows `rows`. image is (C, H, W); columns is (C * KH * KW, rows.count * OW)
    /// with row stride `rowStride` (default `rows.count * OW`; larger when several samples share one matrix).
    static func im2col(
        image: UnsafePointer<Float>, channels C: Int, height H: Int, width W: Int, geometry g: Conv2DGeometry,
        outputWidth OW: Int, rows: Range<Int>, columns: UnsafeMutablePointer<Float>, rowStride: Int? = nil
    ) {
        let bandP = rowStride ?? rows.count * OW
        var rowPointer = columns
        for c in 0..<C {
            for kh in 0..<g.kernelHeight {
                for kw in 0..<g.kernelWidth {
                    let valid = validRange(offset: kw, pad: g.padW, stride: g.strideW, size: W, outputSize: OW)
                    for (r, oh) in rows.enumerated() {
                        let destination = rowPointer + r * OW
                        let ih = oh * g.strideH - g.padH + kh
                        guard ih >= 0 && ih < H else {
                            destination.update(repeating: 0, count: OW)
                            continue
                        }
                        // source[ow] is image[c, ih, ow * strideW - padW + kw]
                        let source = image + (c * H + ih) * W + kw - g.padW
                        destination.update(repeating: 0, count: valid.lowerBound)
                        if g.strideW == 1 {
                            (destination + valid.lowerBound).update(
                                from: source + valid.lowerBound, count: valid.count)
                        } else {
                            caec_gather_strided(
                                source + valid.lowerBound * g.strideW, g.strideW, destination + valid.lowerBound,
                                valid.count)
                        }
                        (destination + valid.upperBound).update(repeating: 0, count: OW - valid.upperBound)
                    }
                    rowPointer += bandP
                }
            }
        }
    }

    /// Adds the columns of output rows `rows` back into the image (the adjoint of `im2col`).
    /// columns is (C * KH * KW, rows.count * OW) with row stride `rowStride` (default `rows.count * OW`); image is
    /// (C, H, W) and is accumulated into.
    static func col2im(
        columns: UnsafePointer<Float>, channels C: Int, height H: Int, width W: Int, geometry g: Conv2DGeometry,
        outputWidth OW: Int, rows: Range<Int>, image: UnsafeMutablePointer<Float>, rowStride: Int? = nil
    ) {
        let bandP = rowStride ?? rows.count * OW
        var rowPointer = columns
        for c in 0..<C {
            for kh in 0..<g.kernelHeight {
                for kw in 0..<g.kernelWidth {
                    let valid = validRange(offset: kw, pad: g.padW, stride: g.strideW, size: W, outputSize: OW)
                    for (r, oh) in rows.enumerated() {
                        let ih = oh * g.strideH - g.padH + kh
                        guard ih >= 0 && ih < H else { continue }
                        let source = rowPointer + r * OW
                        let destination = image + (c * H + ih) * W + kw - g.padW
                        if g.strideW == 1 {
                            for ow in valid { destination[ow] += source[ow] }
                        } else {
                            caec_scatter_add_strided(
                                source + valid.lowerBound, destination + valid.lowerBound * g.strideW, g.strideW,
                                valid.count)
                        }
                    }
                    rowPointer += bandP
                }
            }
        }
    }
}
