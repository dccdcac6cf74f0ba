extension Tensor {
    /// Max pooling with argmax indices for backward.
    ///
    /// `output[n, c, oh, ow] = max_{kh, kw} input[n, c, oh * strideH - padH + kh, ow * strideW - padW + kw]`, the
    /// padding counting as -infinity (PyTorch's `MaxPool2d`, floor mode). Ties go to the first element in
    /// row-major window order, on both paths.
    ///
    /// - Parameters:
    ///   - input: (N, C, H, W).
    ///   - geometry: window, stride and padding; padding at most half the window.
    /// - Returns: output (N, C, OH, OW) and `argmax` (N * C * OH * OW), for each output the index `ih * W + iw`
    ///   of the chosen element within its (H, W) plane.
    package static func maxPool2d(_ input: Tensor, geometry: Conv2DGeometry, path: KernelPath = .fast)
        -> (output: Tensor, argmax: [Int32])
    {
        let (N, C, H, W) = input.nchw
        let g = geometry
        precondition(
            2 * g.padH <= g.kernelHeight && 2 * g.padW <= g.kernelWidth, "maxPool2d: padding over half the window")
        precondition(H * W <= Int(Int32.max), "maxPool2d: plane too large for Int32 indices")
        let (OH, OW) = g.outputSize(height: H, width: W)
        var output = Tensor(shape: [N, C, OH, OW])
        var argmax = [Int32](repeating: 0, count: N * C * OH * OW)
        // x plane is (H, W), y and index planes are (OH, OW)
        func pool(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ index: UnsafeMutablePointer<Int32>) {
            for oh in 0..<OH {
                for ow in 0..<OW {
                    var best = -Float.infinity
                    var bestIndex = -1
                    for kh in 0..<g.kernelHeight {
                        let ih = oh * g.strideH - g.padH + kh
                        guard ih >= 0 && ih < H else { continue }
                        for kw in 0..<g.kernelWidth {
                            let iw = ow * g.strideW - g.padW + kw
                            guard iw >= 0 && iw < W else { continue }
                            let value = x[ih * W + iw]
                            if bestIndex < 0 || value > best {
                                best = value
                                bestIndex = ih * W + iw
                            }
                        }
                    }
                    y[oh * OW + ow] = best
                    index[oh * OW + ow] = Int32(bestIndex)
                }
            }
        }
        // The 2x2 stride-2 unpadded window of the paper's models, unrolled (same comparisons, same ties).
        func pool2x2(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ index: UnsafeMutablePointer<Int32>)
        {
            for oh in 0..<OH {
                let top = x + 2 * oh * W
                let bottom = top + W
                for ow in 0..<OW {
                    let iw = 2 * ow
                    var best = top[iw]
                    var bestIndex = 2 * oh * W + iw
                    if top[iw + 1] > best {
                        best = top[iw + 1]
                        bestIndex = 2 * oh * W + iw + 1
                    }
                    if bottom[iw] > best {
                        best = bottom[iw]
                        bestIndex = (2 * oh + 1) * W + iw
                    }
                    if bottom[iw + 1] > best {
                        best = bottom[iw + 1]
                        bestIndex = (2 * oh + 1) * W + iw + 1
                    }
                    y[oh * OW + ow] = best
                    index[oh * OW + ow] = Int32(bestIndex)
                }
            }
        }
        let is2x2 = g == Conv2DGeometry(kernelSize: 2, stride: 2)
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { index in
                    let (x, y, index) = (x.baseAddress!, y.baseAddress!, index.baseAddress!)
                    switch path {
                    case .reference, .portable:
                        for plane in 0..<N * C {
                            pool(x + plane * H * W, y + plane * OH * OW, index + plane * OH * OW)
                        }
                    case .fast:
                        TensorParallelism.forEach(N * C) { plane in
                            let planeIn = x + plane * H * W
                            let (planeOut, planeIndex) = (y + plane * OH * OW, index + plane * OH * OW)
                            if is2x2 {
                                pool2x2(planeIn, planeOut, planeIndex)
                            } else {
                                pool(planeIn, planeOut, planeIndex)
                            }
                        }
                    }
                }
            }
        }
        return (output, argmax)
    }

    /// Average pooling, padding counted as zeros in the average (PyTorch `AvgPool2d`, `count_include_pad=True`).
    ///
    /// `output[n, c, oh, ow] = (1 / (KH * KW)) * sum_{kh, kw} input[n, c, oh * sH - pH + kh, ow * sW - pW + kw]`.
    /// - Parameters:
    ///   - input: (N, C, H, W).
    /// - Returns: (N, C, OH, OW).
    package static func avgPool2d(_ input: Tensor, geometry: Conv2DGeometry, path: KernelPath = .fast) -> Tensor {
        let (N, C, H, W) = input.nchw
        let g = geometry
        let (OH, OW) = g.outputSize(height: H, width: W)
        let scale = 1 / Float(g.kernelHeight * g.kernelWidth)
        var output = Tensor(shape: [N, C, OH, OW])
        input.data.withUnsafeBufferPointer { x in
            output.data.withUnsafeMutableBufferPointer { y in
                let (x, y) = (x.baseAddress!, y.baseAddress!)
                // x plane is (H, W), y plane is (OH, OW)
                let pool = { (plane: Int) in
                    let (planeIn, planeOut) = (x + plane * H * W, y + plane * OH * OW)
                    for oh in 0..<OH {
                        for ow in 0..<OW {
                            var sum: Float = 0
                            for kh in 0..<g.kernelHeight {
                                let ih = oh * g.strideH - g.padH + kh
                                guard ih >= 0 && ih < H else { continue }
                                for kw in 0..<g.kernelWidth {
                                    let iw = ow * g.strideW - g.padW + kw
                                    guard iw >= 0 && iw < W else { continue }
                                    sum += planeIn[ih * W + iw]
                                }
                            }
                            planeOut[oh * OW + ow] = sum * scale
                        }
                    }
                }
                switch path {
                case .reference, .portable: for plane in 0..<N * C { pool(plane) }
                case .fast: TensorParallelism.forEach(N * C, pool)
                }
            }
        }
        return output
    }

    /// Global average pooling: `output[n, c, 0, 0] = mean_{h, w} input[n, c, h, w]`.
    /// input is (N, C, H, W); returns (N, C, 1, 1).
    package static func globalAvgPool2d(_ input: Tensor, path: KernelPath = .fast) -> Tensor {
        let (N, C, H, W) = input.nchw
        var output = Tensor(shape: [N, C, 1, 1])
        let scale = 1 / Float(H * W)
        input.data.withUnsafeBufferPointer { x in
            for plane in 0..<N * C {
                switch path {
                case .reference, .portable:
                    var sum: Float = 0
                    for i in 0..<H * W { sum += x[plane * H * W + i] }
                    output.data[plane] = sum * scale
                case .fast:
                    output.data[plane] = Elementwise.sum(x.baseAddress! + plane * H * W, count: H * W) * scale
                }
            }
        }
        return output
    }
}
