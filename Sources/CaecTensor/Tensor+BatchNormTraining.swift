/// What the training forward of batch normalisation saves for its backward: per-channel batch statistics.
package struct BatchNormStatistics: Sendable, Equatable {
    /// Batch mean per channel, (C).
    package var mean: Tensor
    /// `1 / sqrt(batch variance + epsilon)` per channel (biased variance), (C).
    package var inverseStd: Tensor
}

/// Gradients of batch normalisation.
package struct BatchNormGradients: Sendable, Equatable {
    /// dL/dInput, (N, C, H, W).
    package var dInput: Tensor
    /// dL/dScale (gamma), (C).
    package var dScale: Tensor
    /// dL/dShift (beta), (C).
    package var dShift: Tensor
}

extension Tensor {
    /// Batch normalisation over (N, H, W) per channel, training mode (PyTorch `BatchNorm2d.train()`).
    ///
    /// `xhat = (x - mean_c) / sqrt(var_c + epsilon)`, `output = scale[c] * xhat + shift[c]`, with the batch mean and
    /// biased variance over the M = N * H * W values of channel c. The running statistics are updated in place as
    /// PyTorch does: `running = (1 - momentum) * running + momentum * batch`, using the unbiased variance
    /// (`var * M / (M - 1)`) for `runningVariance`.
    /// - Parameters:
    ///   - input: (N, C, H, W) with N * H * W >= 2.
    ///   - scale, shift: (C).
    ///   - runningMean, runningVariance: (C), updated.
    /// - Returns: output (N, C, H, W) and the statistics `batchNorm2dBackward` needs.
    package static func batchNorm2dTraining(
        _ input: Tensor, scale: Tensor, shift: Tensor, runningMean: inout Tensor, runningVariance: inout Tensor,
        momentum: Float = 0.1, epsilon: Float = 1e-5, path: KernelPath = .fast
    ) -> (output: Tensor, statistics: BatchNormStatistics) {
        let (N, C, H, W) = input.nchw
        let M = N * H * W
        precondition(M >= 2, "batchNorm2dTraining: needs at least two values per channel")
        for parameter in [scale, shift, runningMean, runningVariance] {
            precondition(parameter.shape == [C], "batchNorm2d: parameters must be (\(C)), got \(parameter.shape)")
        }
        var statistics = BatchNormStatistics(mean: Tensor(shape: [C]), inverseStd: Tensor(shape: [C]))
        var variance = [Float](repeating: 0, count: C)
        let P = H * W
        input.data.withUnsafeBufferPointer { x in
            // x is (N, C, P); two passes (mean, then squared deviations) in Float64.
            for c in 0..<C {
                var total: Double = 0
                for n in 0..<N {
                    let plane = x.baseAddress! + (n * C + c) * P
                    switch path {
                    case .reference, .portable: for p in 0..<P { total += Double(plane[p]) }
                    case .fast: total += Double(Elementwise.sum(plane, count: P))
                    }
                }
                let mean = total / Double(M)
                var squares: Double = 0
                for n in 0..<N {
                    let plane = x.baseAddress! + (n * C + c) * P
                    for p in 0..<P {
                        let deviation = Double(plane[p]) - mean
                        squares += deviation * deviation
                    }
                }
                statistics.mean.data[c] = Float(mean)
                variance[c] = Float(squares / Double(M))
                statistics.inverseStd.data[c] = Float(1 / (squares / Double(M) + Double(epsilon)).squareRoot())
            }
        }
        let unbiased = Float(M) / Float(M - 1)
        for c in 0..<C {
            runningMean.data[c] = (1 - momentum) * runningMean.data[c] + momentum * statistics.mean.data[c]
            runningVariance.data[c] = (1 - momentum) * runningVariance.data[c] + momentum * variance[c] * unbiased
        }
        // output = scale * (x - mean) * inverseStd + shift = a * x + b per channel
        let a = (0..<C).map { scale.data[$0] * statistics.inverseStd.data[$0] }
        let b = (0..<C).map { shift.data[$0] - a[$0] * statistics.mean.data[$0] }
        return (affinePerChannel(input, a, b, path: path), statistics)
    }

    /// Backward of `batchNorm2dTraining` (batch statistics depend on the input):
    /// `dShift[c] = sum g`, `dScale[c] = sum g * xhat`,
    /// `dInput = scale[c] * inverseStd[c] / M * (M * g - dShift[c] - xhat * dScale[c])`, sums over (N, H, W).
    package static func batchNorm2dBackward(
        _ gradOutput: Tensor, input: Tensor, scale: Tensor, statistics: BatchNormStatistics, path: KernelPath = .fast
    ) -> BatchNormGradients {
        let (N, C, H, W) = input.nchw
        precondition(gradOutput.shape == input.shape, "batchNorm2dBackward: gradOutput must be \(input.shape)")
        let (M, P) = (N * H * W, H * W)
        var gradients = BatchNormGradients(
            dInput: Tensor(shape: input.shape), dScale: Tensor(shape: [C]), dShift: Tensor(shape: [C]))
        gradOutput.data.withUnsafeBufferPointer { dy in
            input.data.withUnsafeBufferPointer { x in
                gradients.dInput.data.withUnsafeMutableBufferPointer { dx in
                    gradients.dScale.data.withUnsafeMutableBufferPointer { dScale in
                        gradients.dShift.data.withUnsafeMutableBufferPointer { dShift in
                            let (dy, x, dx) = (dy.baseAddress!, x.baseAddress!, dx.baseAddress!)
                            let (dScale, dShift) = (dScale.baseAddress!, dShift.baseAddress!)
                            // dy, x, dx are (N, C, P); one item per channel, sums in Float64, in (n, p) order.
                            let channel = { (c: Int) in
                                let mean = statistics.mean.data[c]
                                let inverseStd = statistics.inverseStd.data[c]
                                var sumGrad: Double = 0
                                var sumGradXhat: Double = 0
                                for n in 0..<N {
                                    let offset = (n * C + c) * P
                                    for p in 0..<P {
                                        let grad = Double(dy[offset + p])
                                        sumGrad += grad
                                        sumGradXhat += grad * Double((x[offset + p] - mean) * inverseStd)
                                    }
                                }
                                dShift[c] = Float(sumGrad)
                                dScale[c] = Float(sumGradXhat)
                                let factor = scale.data[c] * inverseStd / Float(M)
                                let (meanGrad, meanGradXhat) = (Float(sumGrad), Float(sumGradXhat))
                                for n in 0..<N {
                                    let offset = (n * C + c) * P
                                    for p in 0..<P {
                                        let xhat = (x[offset + p] - mean) * inverseStd
                                        dx[offset + p] =
                                            factor * (Float(M) * dy[offset + p] - meanGrad - xhat * meanGradXhat)
                                    }
                                }
                            }
                            switch path {
                            case .reference, .portable: for c in 0..<C { channel(c) }
                            case .fast: TensorParallelism.forEach(C, channel)
                            }
                        }
                    }
                }
            }
        }
        return gradients
    }
}
