import CaecTensor

/// 2-D convolution: `y = conv(x, weight) + bias`, weight (OC, IC, KH, KW), bias (OC), keys `<key>.weight`,
/// `<key>.bias`. Initialised as PyTorch does for ReLU networks (He uniform weights, fan-in uniform bias) unless
/// `pytorchDefaultInit` asks for PyTorch's default (`kaiming_uniform_(a = sqrt(5))`: U(+-1/sqrt(fanIn)) weights),
/// which GDN networks use. With `bias: false` there is no `<key>.bias` (for a convolution followed by batch
/// normalisation, whose shift makes a bias redundant).
package struct Conv2D: Layer {
    package let key: String
    package let inChannels: Int
    package let outChannels: Int
    package let geometry: Conv2DGeometry
    package let path: KernelPath
    package let hasBias: Bool
    package let pytorchDefaultInit: Bool

    package init(
        _ key: String, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, path: KernelPath = .fast, pytorchDefaultInit: Bool = false
    ) {
        self.pytorchDefaultInit = pytorchDefaultInit
        self.key = key
        self.hasBias = bias
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.geometry = Conv2DGeometry(kernelSize: kernelSize, stride: stride, padding: padding)
        self.path = path
    }

    private var fanIn: Int { inChannels * geometry.kernelHeight * geometry.kernelWidth }

    package var parameterSpecs: [ParameterSpec] {
        let weight = ParameterSpec(
            "\(key).weight", shape: [outChannels, inChannels, geometry.kernelHeight, geometry.kernelWidth],
            initializer: pytorchDefaultInit ? .biasUniform(fanIn: fanIn) : .heUniform(fanIn: fanIn))
        guard hasBias else { return [weight] }
        return [weight, ParameterSpec("\(key).bias", shape: [outChannels], initializer: .biasUniform(fanIn: fanIn))]
    }

    private func bias(_ parameters: Parameters) -> Tensor? { hasBias ? parameters.tensor("\(key).bias") : nil }

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor {
        Tensor.conv2d(
            input, weight: parameters.tensor("\(key).weight"), bias: bias(parameters), geometry: geometry, path: path)
    }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let weight = parameters.tensor("\(key).weight")
        let output = Tensor.conv2d(input, weight: weight, bias: bias(parameters), geometry: geometry, path: path)
        let weightOffset = parameters.offset(of: "\(key).weight")
        let biasOffset = hasBias ? parameters.offset(of: "\(key).bias") : nil
        let geometry = geometry
        let path = path
        return (
            output,
            { gradOutput, gradients in
                let g = Tensor.conv2dBackward(gradOutput, input: input, weight: weight, geometry: geometry, path: path)
                accumulate(g.dWeight, into: &gradients, at: weightOffset)
                if let biasOffset { accumulate(g.dBias, into: &gradients, at: biasOffset) }
                return g.dInput
            }
        )
    }
}
