extension Tensor {
    /// Backward of `upsampleNearest`: `dInput[n, c, h, w]` is the sum of the factor x factor block of `gradOutput`
    /// it was copied to. gradOutput is (N, C, H * factor, W * factor); returns (N, C, H, W).
    package static func upsampleNearestBackward(_ gradOutput: Tensor, factor: Int, path: KernelPath = .fast) -> Tensor {
        precondition(factor >= 1, "upsampleNearestBackward: factor must be at least 1")
        let (N, C, OH, OW) = gradOutput.nchw
        precondition(OH % factor == 0 && OW % factor == 0, "upsampleNearestBackward: size not a multiple of factor")
        let (H, W) = (OH / factor, OW / factor)
        var dInput = Tensor(shape: [N, C, H, W])
        switch path {
        case .reference, .portable:
            for plane in 0..<N * C {
                for oh in 0..<OH {
                    for ow in 0..<OW {
                        dInput.data[(plane * H + oh / factor) * W + ow / factor] +=
                            gradOutput.data[(plane * OH + oh) * OW + ow]
                    }
                }
            }
        case .fast:
            gradOutput.data.withUnsafeBufferPointer { dy in
                dInput.data.withUnsafeMutableBufferPointer { dx in
                    let (dy, dx) = (dy.baseAddress!, dx.baseAddress!)
                    // dy plane is (OH, OW), dx plane is (H, W); rows are added in the same order as the reference.
                    TensorParallelism.forEach(N * C) { plane in
                        for oh in 0..<OH {
                            let source = dy + (plane * OH + oh) * OW
                            let row = dx + (plane * H + oh / factor) * W
                            for ow in 0..<OW { row[ow / factor] += source[ow] }
                        }
                    }
                }
            }
        }
        return dInput
    }
}
