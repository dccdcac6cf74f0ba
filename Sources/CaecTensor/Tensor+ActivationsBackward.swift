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
}
