extension Tensor {
    /// Batch normalisation in inference mode: `output = scale[c] * (x - runningMean[c]) /
    /// sqrt(runningVariance[c] + epsilon) + shift[c]`. input is (N, C, H, W), the rest (C).
    package static func batchNorm2dInference(
        _ input: Tensor, scale: Tensor, shift: Tensor, runningMean: Tensor, runningVariance: Tensor,
        epsilon: Float = 1e-5, path: KernelPath = .fast
    ) -> Tensor {
        let C = input.nchw.c
        for parameter in [scale, shift, runningMean, runningVariance] {
            precondition(parameter.shape == [C], "batchNorm2d: parameters must be (\(C)), got \(parameter.shape)")
        }
        let a = (0..<C).map { scale.data[$0] / (runningVariance.data[$0] + epsilon).squareRoot() }
        let b = (0..<C).map { shift.data[$0] - a[$0] * runningMean.data[$0] }
        return affinePerChannel(input, a, b, path: path)
    }

    /// `output[n, c, h, w] = a[c] * input[n, c, h, w] + b[c]`.
    static func affinePerChannel(_ input: Tensor, _ a: [Float], _ b: [Float], path: KernelPath) -> Tensor {
        let (N, C, H, W) = input.nchw
        let P = H * W
        var output = input
        output.data.withUnsafeMutableBufferPointer { y in
            for n in 0..<N {
                for c in 0..<C {
                    let plane = y.baseAddress! + (n * C + c) * P
                    let (scale, offset) = (a[c], b[c])
                    for p in 0..<P { plane[p] = scale * plane[p] + offset }
                }
            }
        }
        _ = path  // one implementation: the loop is already the vectorised form
        return output
    }
}
