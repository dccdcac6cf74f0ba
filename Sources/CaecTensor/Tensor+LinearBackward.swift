extension Tensor {
    /// Backward of `linear`: `dInput = gradOutput * weight` (shaped like the input), `dWeight = gradOutput^T * input`
    /// (OUT, IN), `dBias = sum_n gradOutput[n, :]` (OUT). gradOutput is (N, OUT).
    package static func linearBackward(_ gradOutput: Tensor, input: Tensor, weight: Tensor, path: KernelPath = .fast)
        -> LayerGradients
    {
        let (N, IN, OUT) = linearShapes(input, weight)
        precondition(gradOutput.shape == [N, OUT], "linearBackward: gradOutput must be \([N, OUT])")
        var gradients = LayerGradients(
            dInput: Tensor(shape: input.shape), dWeight: Tensor(shape: [OUT, IN]), dBias: Tensor(shape: [OUT]))
        for n in 0..<N {
            for o in 0..<OUT { gradients.dBias.data[o] += gradOutput.data[n * OUT + o] }
        }
        switch path {
        case .reference, .portable:
            for n in 0..<N {
                for o in 0..<OUT {
                    let grad = gradOutput.data[n * OUT + o]
                    for i in 0..<IN {
                        gradients.dInput.data[n * IN + i] += grad * weight.data[o * IN + i]
                        gradients.dWeight.data[o * IN + i] += grad * input.data[n * IN + i]
                    }
                }
            }
        case .fast:
            gradOutput.data.withUnsafeBufferPointer { dy in
                input.data.withUnsafeBufferPointer { x in
                    weight.data.withUnsafeBufferPointer { w in
                        gradients.dInput.data.withUnsafeMutableBufferPointer { dx in
                            gradients.dWeight.data.withUnsafeMutableBufferPointer { dw in
                                let (dy, x, w) = (dy.baseAddress!, x.baseAddress!, w.baseAddress!)
                                // dx (N, IN) = dy (N, OUT) * w (OUT, IN)
                                BLAS.gemm(
                                    transposeA: false, transposeB: false, m: N, n: IN, k: OUT, a: dy, lda: OUT, b: w,
                                    ldb: IN, beta: 0, c: dx.baseAddress!, ldc: IN)
                                // dw (OUT, IN) = dy^T (OUT, N) * x (N, IN)
                                BLAS.gemm(
                                    transposeA: true, transposeB: false, m: OUT, n: IN, k: N, a: dy, lda: OUT, b: x,
                                    ldb: IN, beta: 0, c: dw.baseAddress!, ldc: IN)
                            }
                        }
                    }
                }
            }
        }
        return gradients
    }
}
