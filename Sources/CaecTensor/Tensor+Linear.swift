extension Tensor {
    /// Fully connected layer, `output[n, o] = bias[o] + sum_i weight[o, i] * input[n, i]` (PyTorch `Linear`).
    ///
    /// - Parameters:
    ///   - input: (N, IN), or (N, ...) whose trailing extents multiply to IN (a flattened NCHW feature map).
    ///   - weight: (OUT, IN).
    ///   - bias: (OUT), or nil.
    /// - Returns: (N, OUT).
    package static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?, path: KernelPath = .fast) -> Tensor {
        let (N, IN, OUT) = linearShapes(input, weight)
        precondition(bias == nil || bias!.shape == [OUT], "linear: bias must be (\(OUT))")
        var output = Tensor(shape: [N, OUT])
        switch path {
        case .reference, .portable:
            for n in 0..<N {
                for o in 0..<OUT {
                    var sum = bias?.data[o] ?? 0
                    for i in 0..<IN { sum += weight.data[o * IN + i] * input.data[n * IN + i] }
                    output.data[n * OUT + o] = sum
                }
            }
        case .fast:
            // y (N, OUT) = bias + x (N, IN) * w^T (IN, OUT)
            if let bias {
                for n in 0..<N { output.data.replaceSubrange(n * OUT..<(n + 1) * OUT, with: bias.data) }
            }
            input.data.withUnsafeBufferPointer { x in
                weight.data.withUnsafeBufferPointer { w in
                    output.data.withUnsafeMutableBufferPointer { y in
                        BLAS.gemm(
                            transposeA: false, transposeB: true, m: N, n: OUT, k: IN, a: x.baseAddress!, lda: IN,
                            b: w.baseAddress!, ldb: IN, beta: 1, c: y.baseAddress!, ldc: OUT)
                    }
                }
            }
        }
        return output
    }

    static func linearShapes(_ input: Tensor, _ weight: Tensor) -> (n: Int, inFeatures: Int, outFeatures: Int) {
        precondition(input.rank >= 2 && weight.rank == 2, "linear: input \(input.shape), weight \(weight.shape)")
        let N = input.shape[0]
        let IN = N == 0 ? input.shape.dropFirst().reduce(1, *) : input.count / N
        precondition(weight.shape[1] == IN, "linear: weight \(weight.shape) does not take \(IN) features")
        return (N, IN, weight.shape[0])
    }
}
