extension Tensor {
    /// Nearest-neighbour upsampling by an integer factor in both directions.
    ///
    /// `output[n, c, h, w] = input[n, c, h / factor, w / factor]` (integer division).
    /// - Parameters:
    ///   - input: (N, C, H, W).
    ///   - factor: at least 1.
    /// - Returns: (N, C, H * factor, W * factor).
    package static func upsampleNearest(_ input: Tensor, factor: Int, path: KernelPath = .fast) -> Tensor {
        precondition(factor >= 1, "upsampleNearest: factor must be at least 1")
        let (N, C, H, W) = input.nchw
        let (OH, OW) = (H * factor, W * factor)
        var output = Tensor(shape: [N, C, OH, OW])
        switch path {
        case .reference, .portable:
            for plane in 0..<N * C {
                for oh in 0..<OH {
                    for ow in 0..<OW {
                        output.data[(plane * OH + oh) * OW + ow] =
                            input.data[(plane * H + oh / factor) * W + ow / factor]
                    }
                }
            }
        case .fast:
            input.data.withUnsafeBufferPointer { x in
                output.data.withUnsafeMutableBufferPointer { y in
                    let (x, y) = (x.baseAddress!, y.baseAddress!)
                    // x plane is (H, W), y plane is (OH, OW): build one output row, then copy it factor - 1 times.
                    TensorParallelism.forEach(N * C) { plane in
                        for h in 0..<H {
                            let source = x + (plane * H + h) * W
                            let row = y + (plane * OH + h * factor) * OW
                            for w in 0..<W {
                                let value = source[w]
                                for f in 0..<factor { row[w * factor + f] = value }
                            }
                            for f in 1..<factor { (row + f * OW).update(from: row, count: OW) }
                        }
                    }
                }
            }
        }
        return output
    }
}
