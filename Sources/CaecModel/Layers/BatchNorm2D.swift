import CaecTensor

/// Batch normalisation over (N, H, W) per channel (PyTorch's `BatchNorm2d`, affine, tracking running statistics):
/// `y = weight[c] * (x - mean_c) / sqrt(var_c + epsilon) + bias[c]`.
///
/// Keys: `<key>.weight` (scale, initialised to 1) and `<key>.bias` (shift, 0) are parameters;
/// `<key>.running_mean` (0) and `<key>.running_var` (1) are buffers. `forwardTraining` is training mode: it uses
/// the batch mean and biased variance and updates the running statistics in `parameters`,
/// `running = (1 - momentum) * running + momentum * batch` (unbiased variance); `forward` is inference mode and
/// uses the running statistics. A `frozen` layer runs `forwardTraining` in inference mode too: the running
/// statistics are used and kept, and the pullback passes `dL/dInput = weight[c] / sqrt(running_var[c] + epsilon) *
/// dL/dOutput` only (no parameter gradients), as a frozen network inside another model's loss needs.
package struct BatchNorm2D: Layer {
    package let key: String
    package let channels: Int
    package let momentum: Float
    package let epsilon: Float
    package let frozen: Bool

    /// - Parameters:
    ///   - key: prefix of the four keys.
    ///   - channels: C of the (N, C, H, W) input.
    ///   - momentum: weight of the batch statistics in the running averages (PyTorch's default 0.1).
    ///   - epsilon: added to the variance (PyTorch's default 1e-5).
    ///   - frozen: inference mode in `forwardTraining` as well.
    package init(_ key: String, channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, frozen: Bool = false) {
        self.key = key
        self.channels = channels
        self.momentum = momentum
        self.epsilon = epsilon
        self.frozen = frozen
    }

    package var parameterSpecs: [ParameterSpec] {
        [
            ParameterSpec("\(key).weight", shape: [channels], initializer: .constant(1)),
            ParameterSpec("\(key).bias", shape: [channels], initializer: .zeros),
            ParameterSpec("\(key).running_mean", kind: .buffer, shape: [channels], initializer: .zeros),
            ParameterSpec("\(key).running_var", kind: .buffer, shape: [channels], initializer: .constant(1)),
        ]
    }

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor {
        Tensor.batchNorm2dInference(
            input, scale: parameters.tensor("\(key).weight"), shift: parameters.tensor("\(key).bias"),
            runningMean: parameters.tensor("\(key).running_mean"),
            runningVariance: parameters.tensor("\(key).running_var"), epsilon: epsilon)
    }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        if frozen { return frozenForward(input, parameters) }
        let scale = parameters.tensor("\(key).weight")
        var runningMean = parameters.tensor("\(key).running_mean")
        var runningVariance = parameters.tensor("\(key).running_var")
        let (output, statistics) = Tensor.batchNorm2dTraining(
            input, scale: scale, shift: parameters.tensor("\(key).bias"), runningMean: &runningMean,
            runningVariance: &runningVariance, momentum: momentum, epsilon: epsilon)
        parameters.set("\(key).running_mean", runningMean)
        parameters.set("\(key).running_var", runningVariance)
        let scaleOffset = parameters.offset(of: "\(key).weight")
        let shiftOffset = parameters.offset(of: "\(key).bias")
        return (
            output,
            { gradOutput, gradients in
                let g = Tensor.batchNorm2dBackward(gradOutput, input: input, scale: scale, statistics: statistics)
                accumulate(g.dScale, into: &gradients, at: scaleOffset)
                accumulate(g.dShift, into: &gradients, at: shiftOffset)
                return g.dInput
            }
        )
    }

    /// Inference mode with its pullback: the per-channel affine map of the running statistics, and its transpose.
    private func frozenForward(_ input: Tensor, _ parameters: Parameters) -> (output: Tensor, pullback: Pullback) {
        let scale = parameters.tensor("\(key).weight")
        let variance = parameters.tensor("\(key).running_var")
        let zeros = Tensor(shape: [channels])
        return (
            forward(input, parameters),
            { gradOutput, _ in
                Tensor.batchNorm2dInference(
                    gradOutput, scale: scale, shift: zeros, runningMean: zeros, runningVariance: variance,
                    epsilon: epsilon)
            }
        )
    }
}
