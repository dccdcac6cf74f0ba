import CCaecKernels

extension Tensor {
    /// Portable 2-D transposed convolution by polyphase decomposition: the outputs whose row is `r` modulo the
    /// stride and whose column is `c` modulo the stride form one phase, and each phase is a stride-1 convolution of
    /// the input with the kernel taps of that phase (for 5x5, stride 2, padding 2: 3x3, 3x2, 2x3 and 2x2 taps).
    /// Each phase runs as im2col + `caec_conv_columns_exact` (the kernel of `ExactKernels.level`), and its results
    /// are interleaved into the output.
    ///
    /// The columns of a phase are ordered (ic, ih, iw) with ih and iw ascending, so every output element starts
    /// from its bias and adds its `input * weight` products in the reference kernel's order (ic, ih, iw), one
    /// multiply and one add a step: the two agree bit for bit up to the sign of zero (the reference skips taps
    /// that fall outside the input, which add `w * 0` here). Every instruction-set level and any number of threads
    /// give the same bits, sign of zero included.
    ///
    /// x is (N, IC, H, W), w is (IC, OC, KH, KW), b is (OC), y is (N, OC, OH, OW).
    static func convTranspose2dPortable(
        _ x: [Float], _ w: [Float], _ b: [Float], _ y: inout [Float],
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry
    ) {
        let rowPhases = PolyphaseTaps.phases(
            kernel: g.kernelHeight, stride: g.strideH, padding: g.padH, outputSize: OH)
        let columnPhases = PolyphaseTaps.phases(
            kernel: g.kernelWidth, stride: g.strideW, padding: g.padW, outputSize: OW)
        // One item per (sample, row phase, column phase, band of the phase's output rows); the bands depend on
        // the shapes only, so the split never depends on the thread count.
        var phases: [(rows: PolyphaseTaps, columns: PolyphaseTaps, weights: [Float])] = []
        var items: [(n: Int, phase: Int, rows: Range<Int>)] = []
        for rows in rowPhases where rows.count > 0 {
            for columns in columnPhases where columns.count > 0 {
                let K = IC * rows.taps.count * columns.taps.count
                let bandRows = Im2Col.bandRows(columnRows: K, outputHeight: rows.count, outputWidth: columns.count)
                for n in 0..<N {
                    for start in stride(from: 0, to: rows.count, by: bandRows) {
                        items.append((n, phases.count, start..<min(rows.count, start + bandRows)))
                    }
                }
                phases.append((rows, columns, phaseWeights(w, IC, OC, g, rows.taps, columns.taps)))
            }
        }
        let level = ExactKernels.level.rawValue
        x.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { b in
                y.withUnsafeMutableBufferPointer { y in
                    let (x, b, y) = (x.baseAddress!, b.baseAddress!, y.baseAddress!)
                    TensorParallelism.forEach(items.count) { item in
                        let (n, phase, band) = items[item]
                        let (rows, columns, weights) = phases[phase]
                        let K = IC * rows.taps.count * columns.taps.count
                        let (PW, bandP) = (columns.count, band.count * columns.count)
                        // columns is (K, bandP), the phase's outputs are (OC, bandP)
                        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: (K + OC) * bandP)
                        defer { buffer.deallocate() }
                        let (matrix, outputs) = (buffer, buffer + K * bandP)
                        phaseColumns(
                            x + n * IC * H * W, IC, H, W, rows.taps, columns.taps, band, PW, matrix)
                        if K == 0 {
                            for oc in 0..<OC { (outputs + oc * bandP).update(repeating: b[oc], count: bandP) }
                        } else {
                            let status = weights.withUnsafeBufferPointer { weights in
                                caec_conv_columns_exact(
                                    level, weights.baseAddress!, b, matrix, outputs, OC, K, bandP, bandP, bandP)
                            }
                            precondition(status == 0, "out of memory in the portable transposed convolution")
                        }
                        // Interleave: phase output (a, c) is y[oh = a * strideH + residue, ow = c * strideW + residue]
                        let yn = y + n * OC * OH * OW
                        for oc in 0..<OC {
                            for (r, a) in band.enumerated() {
                                let source = outputs + oc * bandP + r * PW
                                let destination = yn + (oc * OH + a * g.strideH + rows.residue) * OW + columns.residue
                                for c in 0..<PW { destination[c * g.strideW] = source[c] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The phase's weights (OC, IC * rowTaps * columnTaps): row oc, column (ic, i, j) holds
    /// `w[ic, oc, rowTaps[i].kernel, columnTaps[j].kernel]`. w is (IC, OC, KH, KW).
    private static func phaseWeights(
        _ w: [Float], _ IC: Int, _ OC: Int, _ g: Conv2DGeometry, _ rowTaps: [PolyphaseTaps.Tap],
        _ columnTaps: [PolyphaseTaps.Tap]
    ) -> [Float] {
        let (KH, KW) = (g.kernelHeight, g.kernelWidth)
        // taps[t] is the offset of phase tap t = (i, j) within a (KH, KW) kernel
        let taps = rowTaps.flatMap { rowTap in columnTaps.map { rowTap.kernel * KW + $0.kernel } }
        let T = taps.count
        return [Float](unsafeUninitializedCapacity: OC * IC * T) { weights, count in
            count = 0
            guard T > 0 else { return }
            w.withUnsafeBufferPointer { w in
                taps.withUnsafeBufferPointer { taps in
                    for oc in 0..<OC {
                        for ic in 0..<IC {
                            let kernel = w.baseAddress! + (ic * OC + oc) * KH * KW
                            let destination = weights.baseAddress! + (oc * IC + ic) * T
                            for t in 0..<T { destination[t] = kernel[taps[t]] }
                        }
                    }
                }
            }
            count = OC * IC * T
        }
    }

    /// The phase's columns for the phase output rows `band`: row (ic, i, j), column `(a - band.lowerBound) * PW + c`
    /// holds `image[ic, a + rowTaps[i].offset, c + columnTaps[j].offset]`, or 0 outside the image.
    /// image is (IC, H, W); columns is (IC * rowTaps * columnTaps, band.count * PW).
    private static func phaseColumns(
        _ image: UnsafePointer<Float>, _ IC: Int, _ H: Int, _ W: Int, _ rowTaps: [PolyphaseTaps.Tap],
        _ columnTaps: [PolyphaseTaps.Tap], _ band: Range<Int>, _ PW: Int, _ columns: UnsafeMutablePointer<Float>
    ) {
        var row = columns
        for ic in 0..<IC {
            for rowTap in rowTaps {
                for columnTap in columnTaps {
                    // Phase columns c whose input column c + offset lies in 0..<W.
                    let low = min(PW, max(0, -columnTap.offset))
                    let high = max(low, min(PW, W - columnTap.offset))
                    for (r, a) in band.enumerated() {
                        let destination = row + r * PW
                        let ih = a + rowTap.offset
                        guard ih >= 0 && ih < H else {
                            destination.update(repeating: 0, count: PW)
                            continue
                        }
                        let source = image + (ic * H + ih) * W + columnTap.offset
                        destination.update(repeating: 0, count: low)
                        (destination + low).update(from: source + low, count: high - low)
                        (destination + high).update(repeating: 0, count: PW - high)
                    }
                    row += band.count * PW
                }
            }
        }
    }
}

/// The taps of one phase of a transposed convolution along one axis: the outputs `o = a * stride + residue`
/// (a = 0..<count) take input `a + offset` through kernel tap `kernel`, for each tap, in ascending `offset` (the
/// reference kernel's ascending input index).
private struct PolyphaseTaps {
    struct Tap {
        /// Index into the kernel (kh or kw).
        var kernel: Int
        /// Input index minus the phase output index `a`.
        var offset: Int
    }

    var residue: Int
    var count: Int
    var taps: [Tap]

    /// The `stride` phases of an axis of `outputSize` outputs: output o = ih * stride - padding + k, so tap k
    /// reaches output o from input ih = (o + padding - k) / stride where that divides exactly.
    static func phases(kernel: Int, stride: Int, padding: Int, outputSize: Int) -> [PolyphaseTaps] {
        (0..<stride).map { residue in
            let count = residue < outputSize ? (outputSize - residue + stride - 1) / stride : 0
            let taps = (0..<kernel).compactMap { k -> Tap? in
                let numerator = residue + padding - k
                guard numerator % stride == 0 else { return nil }
                return Tap(kernel: k, offset: numerator / stride)
            }
            return PolyphaseTaps(residue: residue, count: count, taps: taps.sorted { $0.offset < $1.offset })
        }
    }
}
