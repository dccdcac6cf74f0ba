#if canImport(Glibc)
    import Glibc
#endif

extension Tensor {
    /// Rectified linear unit, `output = max(input, 0)`, any shape.
    package static func relu(_ input: Tensor, path: KernelPath = .fast) -> Tensor {
        var output = input
        switch path {
        case .reference, .portable:
            for i in 0..<output.count where !(output.data[i] > 0) { output.data[i] = 0 }
        case .fast:
            output.data.withUnsafeMutableBufferPointer { y in
                for i in 0..<y.count { y[i] = y[i] > 0 ? y[i] : 0 }
            }
        }
        return output
    }

    /// Logistic sigmoid, `output = 1 / (1 + exp(-input))`, any shape.
    package static func sigmoid(_ input: Tensor, path: KernelPath = .fast) -> Tensor {
        var output = input
        switch path {
        case .reference, .portable:
            for i in 0..<output.count { output.data[i] = Float(1 / (1 + exp(-Double(input.data[i])))) }
        case .fast:
            output.data.withUnsafeMutableBufferPointer { y in
                for i in 0..<y.count { y[i] = 1 / (1 + expf(-y[i])) }
            }
        }
        return output
    }

    /// Gaussian error linear unit (Hendrycks & Gimpel 2016, the exact form PyTorch's `nn.GELU()` computes),
    /// `output = input * Phi(input)` with `Phi(x) = (1 + erf(x / sqrt 2)) / 2` the standard normal CDF, any shape.
    /// The fast path splits the elements over worker threads in fixed blocks (same result for any thread count);
    /// the reference path computes in double precision.
    package static func gelu(_ input: Tensor, path: KernelPath = .fast) -> Tensor {
        var output = input
        switch path {
        case .reference, .portable:
            for i in 0..<output.count {
                let x = Double(input.data[i])
                output.data[i] = Float(x * 0.5 * (1 + erf(x / 2.0.squareRoot())))
            }
        case .fast:
            let count = output.count
            output.data.withUnsafeMutableBufferPointer { buffer in
                let y = buffer.baseAddress!
                TensorParallelism.forEachBlock(count) { range in
                    for i in range { y[i] = y[i] * 0.5 * (1 + erff(y[i] * 0.707_106_77)) }
                }
            }
        }
        return output
    }
}
