import CaecTensor

/// Fully connected layer: `y = x W^T + b`, weight (OUT, IN), bias (OUT), keys `<key>.weight`, `<key>.bias`.
/// Initialised as PyTorch's `Linear` for ReLU networks (He uniform weights, fan-in uniform bias).
package struct Linear: Layer {
    package let key: String
    package let inFeatures: Int
    package let outFeatures: Int

    package init(_ key: String, inFeatures: Int, outFeatures: Int) {
        self.key = key
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
    }

    package var parameterSpecs: [ParameterSpec] {
        [
            ParameterSpec(
                "\(key).weight", shape: [outFeatures, inFeatures], initializer: .heUniform(fanIn: inFeatures)),
            ParameterSpec("\(key).bias", shape: [outFeatures], initializer: .biasUniform(fanIn: inFeatures)),
        ]
    }

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor {
        Tensor.linear(input, weight: parameters.tensor("\(key).weight"), bias: parameters.tensor("\(key).bias"))
    }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let weight = parameters.tensor("\(key).weight")
        let output = Tensor.linear(input, weight: weight, bias: parameters.tensor("\(key).bias"))
        let weightOffset = parameters.offset(of: "\(key).weight")
        let biasOffset = parameters.offset(of: "\(key).bias")
        return (
            output,
            { gradOutput, gradients in
                let g = Tensor.linearBackward(gradOutput, input: input, weight: weight)
                accumulate(g.dWeight, into: &gradients, at: weightOffset)
                accumulate(g.dBias, into: &gradients, at: biasOffset)
                return g.dInput
            }
        )
    }
}
