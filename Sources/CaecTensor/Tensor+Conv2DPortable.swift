import CCaecKernels

extension Tensor {
    /// Portable 2-D convolution: im2col, then `y[oc, p] = b[oc] + sum_k w[oc, k] * columns[k, p]` accumulated in
    /// k order, one multiply and one add per step, vectorised across p only (never across k), by the kernel of
    /// `ExactKernels.level` (`caec_conv_columns_exact`). This is the reference kernel's order of operations, so the
    /// two agree bit for bit (up to the sign of zero: the reference skips padding taps that add `w * 0` here), on
    /// every machine, for every instruction-set level and for any number of threads.
    static func conv2dPortable(
        _ x: [Float], _ w: [Float], _ b: [Float], _ y: inout [Float],
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry
    ) {
        // x is (N, IC, H, W), w is (OC, K) with K = IC * KH * KW, b is (OC), y is (N, OC, P) with P = OH * OW
        let K = IC * g.kernelHeight * g.kernelWidth
        let P = OH * OW
        let level = ExactKernels.level.rawValue
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                b.withUnsafeBufferPointer { b in
                    y.withUnsafeMutableBufferPointer { y in
                        let (x, w, b, y) = (x.baseAddress!, w.baseAddress!, b.baseAddress!, y.baseAddress!)
                        Im2Col.forEachBand(
                            x, samples: N, channels: IC, height: H, width: W, geometry: g, outputHeight: OH,
                            outputWidth: OW
                        ) { n, rows, columns in
                            // columns is (K, bandP); the band's outputs are (OC, bandP) with row stride P
                            let bandP = rows.count * OW
                            let status = caec_conv_columns_exact(
                                level, w, b, columns, y + n * OC * P + rows.lowerBound * OW, OC, K, bandP, bandP, P)
                            precondition(status == 0, "out of memory in the portable convolution")
                        }
                    }
                }
            }
        }
    }
}
