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
}
