extension Tensor {
    /// Backward of `maxPool2d`: each output gradient goes to the input element its `argmax` names (summed where
    /// overlapping windows chose the same element).
    ///
    /// - Parameters:
    ///   - gradOutput: (N, C, OH, OW).
    ///   - argmax: from the forward, (N * C * OH * OW) plane indices.
    ///   - inputShape: (N, C, H, W) of the forward input.
    /// - Returns: dL/dInput, (N, C, H, W).
    package static func maxPool2dBackward(
        _ gradOutput: Tensor, argmax: [Int32], inputShape: [Int], path: KernelPath = .fast
    ) -> Tensor {
        var dInput = Tensor(shape: inputShape)
        let (N, C, H, W) = dInput.nchw
        let (_, _, OH, OW) = gradOutput.nchw
        precondition(gradOutput.shape[0] == N && gradOutput.shape[1] == C, "maxPool2dBackward: batch or channels")
        precondition(argmax.count == gradOutput.count, "maxPool2dBackward: \(argmax.count) indices")
        gradOutput.data.withUnsafeBufferPointer { dy in
            argmax.withUnsafeBufferPointer { index in
                dInput.data.withUnsafeMutableBufferPointer { dx in
                    let (dy, index, dx) = (dy.baseAddress!, index.baseAddress!, dx.baseAddress!)
                    // dy and index planes are (OH, OW), dx plane is (H, W)
                    let scatter = { (plane: Int) in
                        let (planeOut, planeIn) = (plane * OH * OW, plane * H * W)
                        for i in 0..<OH * OW { dx[planeIn + Int(index[planeOut + i])] += dy[planeOut + i] }
                    }
                    switch path {
                    case .reference, .portable: for plane in 0..<N * C { scatter(plane) }
                    case .fast: TensorParallelism.forEach(N * C, scatter)
                    }
                }
            }
        }
        return dInput
    }

    /// Backward of `avgPool2d`: each output gradient, divided by KH * KW, is added to every input element of its
    /// window. gradOutput is (N, C, OH, OW); returns (N, C, H, W) = `inputShape`.
    package static func avgPool2dBackward(
        _ gradOutput: Tensor, inputShape: [Int], geometry: Conv2DGeometry, path: KernelPath = .fast
    ) -> Tensor {
        var dInput = Tensor(shape: inputShape)
        let (N, C, H, W) = dInput.nchw
        let g = geometry
        let (OH, OW) = g.outputSize(height: H, width: W)
        precondition(gradOutput.shape == [N, C, OH, OW], "avgPool2dBackward: gradOutput must be \([N, C, OH, OW])")
        let scale = 1 / Float(g.kernelHeight * g.kernelWidth)
        gradOutput.data.withUnsafeBufferPointer { dy in
            dInput.data.withUnsafeMutableBufferPointer { dx in
                let (dy, dx) = (dy.baseAddress!, dx.baseAddress!)
                // dy plane is (OH, OW), dx plane is (H, W)
                let spread = { (plane: Int) in
                    let (planeOut, planeIn) = (dy + plane * OH * OW, dx + plane * H * W)
                    for oh in 0..<OH {
                        for ow in 0..<OW {
                            let grad = planeOut[oh * OW + ow] * scale
                            for kh in 0..<g.kernelHeight {
                                let ih = oh * g.strideH - g.padH + kh
                                guard ih >= 0 && ih < H else { continue }
                                for kw in 0..<g.kernelWidth {
                                    let iw = ow * g.strideW - g.padW + kw
                                    guard iw >= 0 && iw < W else { continue }
                                    planeIn[ih * W + iw] += grad
                                }
                            }
                        }
                    }
                }
                switch path {
                case .reference, .portable: for plane in 0..<N * C { spread(plane) }
                case .fast: TensorParallelism.forEach(N * C, spread)
                }
            }
        }
        return dInput
    }

    /// Backward of `globalAvgPool2d`: `dInput[n, c, h, w] = gradOutput[n, c, 0, 0] / (H * W)`.
    /// gradOutput is (N, C, 1, 1); returns `inputShape` (N, C, H, W).
    package static func globalAvgPool2dBackward(_ gradOutput: Tensor, inputShape: [Int], path: KernelPath = .fast)
        -> Tensor
    {
        var dInput = Tensor(shape: inputShape)
        let (N, C, H, W) = dInput.nchw
        precondition(gradOutput.shape == [N, C, 1, 1], "globalAvgPool2dBackward: gradOutput must be (N, C, 1, 1)")
        let scale = 1 / Float(H * W)
        dInput.data.withUnsafeMutableBufferPointer { dx in
            for plane in 0..<N * C {
                (dx.baseAddress! + plane * H * W).update(repeating: gradOutput.data[plane] * scale, count: H * W)
            }
        }
        return dInput
    }
}
