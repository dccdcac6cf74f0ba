extension Tensor {
    /// Pixels per tile of the portable convolution: each tile's column block stays in cache while all output
    /// channels are accumulated over it.
    static let portableTile = 256

    /// Portable 2-D convolution: im2col, then `y[oc, p] = b[oc] + sum_k w[oc, k] * columns[k, p]` accumulated in
    /// k order, one multiply and one add per step, vectorised across p only (never across k). This is the reference
    /// kernel's order of operations, so the two agree bit for bit (up to the sign of zero: the reference skips
    /// padding taps that add `w * 0` here), on every machine and for any number of threads.
    static func conv2dPortable(
        _ x: [Float], _ w: [Float], _ b: [Float], _ y: inout [Float],
        _ N: Int, _ IC: Int, _ H: Int, _ W: Int, _ OC: Int, _ OH: Int, _ OW: Int, _ g: Conv2DGeometry
    ) {
        // x is (N, IC, H, W), w is (OC, K) with K = IC * KH * KW, b is (OC), y is (N, OC, P) with P = OH * OW
        let K = IC * g.kernelHeight * g.kernelWidth
        let P = OH * OW
        let T = portableTile
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
                            // accumulator is (T)
                            let accumulator = UnsafeMutablePointer<Float>.allocate(capacity: T)
                            defer { accumulator.deallocate() }
                            let out = y + n * OC * P + rows.lowerBound * OW
                            var start = 0
                            while start < bandP {
                                let count = min(T, bandP - start)
                                for oc in 0..<OC {
                                    accumulator.update(repeating: b[oc], count: count)
                                    let weights = w + oc * K
                                    for k in 0..<K {
                                        let weight = weights[k]
                                        let column = columns + k * bandP + start
                                        for p in 0..<count {
                                            let product = weight * column[p]
                                            accumulator[p] = accumulator[p] + product
                                        }
                                    }
                                    (out + oc * P + start).update(from: accumulator, count: count)
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
