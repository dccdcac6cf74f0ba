#if canImport(Glibc)
    import Glibc
#endif

extension Tensor {
    /// Backward of `relu`: `dInput = gradOutput` where `input > 0`, else 0 (the subgradient 0 at 0).
    /// gradOutput and input have the same shape.
    package static func reluBackward(_ gradOutput: Tensor, input: Tensor, path: KernelPath = .fast) -> Tensor {
        precondition(gradOutput.shape == input.shape, "reluBackward: shapes \(gradOutput.shape) and \(input.shape)")
        var dInput = gradOutput
        switch path {
        case .reference, .portable:
            for i in 0..<dInput.count where !(input.data[i] > 0) { dInput.data[i] = 0 }
        case .fast:
            dInput.data.withUnsafeMutableBufferPointer { dx in
                input.data.withUnsafeBufferPointer { x in
                    for i in 0..<dx.count { dx[i] = x[i] > 0 ? dx[i] : 0 }
                }
            }
        }
        return dInput
    }

    /// Backward of `sigmoid` from its output: `dInput = gradOutput * output * (1 - output)`.
    package static func sigmoidBackward(_ gradOutput: Tensor, output: Tensor, path: KernelPath = .fast) -> Tensor {
        precondition(gradOutput.shape == output.shape, "sigmoidBackward: shapes \(gradOutput.shape), \(output.shape)")
        var dInput = gradOutput
        switch path {
        case .reference, .portable:
            for i in 0..<dInput.count { dInput.data[i] *= output.data[i] * (1 - output.data[i]) }
        case .fast:
            dInput.data.withUnsafeMutableBufferPointer { dx in
                output.data.withUnsafeBufferPointer { y in
                    for i in 0..<dx.count { dx[i] *= y[i] * (1 - y[i]) }
                }
            }
        }
        return dInput
    }

    /// Backward of `gelu`: `dInput = gradOutput * (Phi(x) + x * phi(x))` with `phi(x) = exp(-x^2 / 2) / sqrt(2 pi)`
    /// the standard normal density. gradOutput and input have the same shape.
    package static func geluBackward(_ gradOutput: Tensor, input: Tensor, path: KernelPath = .fast) -> Tensor {
        precondition(gradOutput.shape == input.shape, "geluBackward: shapes \(gradOutput.shape) and \(input.shape)")
        var dInput = gradOutput
        switch path {
        case .reference, .portable:
            for i in 0..<dInput.count {
                let x = Double(input.data[i])
                let derivative =
                    0.5 * (1 + erf(x / 2.0.squareRoot())) + x * exp(-x * x / 2) / (2 * Double.pi).squareRoot()
                dInput.data[i] = Float(Double(gradOutput.data[i]) * derivative)
            }
        case .fast:
            let count = dInput.count
            dInput.data.withUnsafeMutableBufferPointer { dxBuffer in
                input.data.withUnsafeBufferPointer { xBuffer in
                    let (dx, x) = (dxBuffer.baseAddress!, xBuffer.baseAddress!)
                    TensorParallelism.forEachBlock(count) { range in
                        for i in range {
                            let v = x[i]
                            let cdf = 0.5 * (1 + erff(v * 0.707_106_77))
                            dx[i] *= cdf + v * expf(-0.5 * v * v) * 0.398_942_28
                        }
                    }
                }
            }
        }
        return dInput
    }
}
