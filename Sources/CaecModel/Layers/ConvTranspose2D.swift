import CaecTensor

/// 2-D transposed convolution (PyTorch `ConvTranspose2d`): weight (IC, OC, KH, KW), bias (OC), keys `<key>.weight`,
/// `<key>.bias`. With kernel 5, stride 2, padding 2 and output padding 1 it doubles height and width (the
/// upsampler of Ballé-style synthesis transforms). Initialised as PyTorch does by default
/// (`kaiming_uniform_(a = sqrt(5))`): weight and bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with PyTorch's fan-in of a
/// transposed weight, `OC * KH * KW`.
package struct ConvTranspose2D: Layer {
    package let key: String
    package let inChannels: Int
    package let outChannels: Int
    package let geometry: Conv2DGeometry
    package let outputPadding: Int
    package let path: KernelPath

    package init(
        _ key: String, inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        outputPadding: Int = 0, path: KernelPath = .fast
    ) {
        precondition(outputPadding >= 0 && outputPadding < stride, "ConvTranspose2D: output padding below stride")
        self.key = key
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.geometry = Conv2DGeometry(kernelSize: kernelSize, stride: stride, padding: padding)
        self.outputPadding = outputPadding
        self.path = path
    }

    private var fanIn: Int { outChannels * geometry.kernelHeight * geometry.kernelWidth }

    package var parameterSpecs: [ParameterSpec] {
        [
            ParameterSpec(
                "\(key).weight", shape: [inChannels, outChannels, geometry.kernelHeight, geometry.kernelWidth],
                initializer: .biasUniform(fanIn: fanIn)),
            ParameterSpec("\(key).bias", shape: [outChannels], initializer: .biasUniform(fanIn: fanIn)),
        ]
    }

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor {
        Tensor.convTranspose2d(
            input, weight: parameters.tensor("\(key).weight"), bias: parameters.tensor("\(key).bias"),
            geometry: geometry, outputPaddingH: outputPadding, outputPaddingW: outputPadding, path: path)
    }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let weight = parameters.tensor("\(key).weight")
        let output = Tensor.convTranspose2d(
            input, weight: weight, bias: parameters.tensor("\(key).bias"), geometry: geometry,
            outputPaddingH: outputPadding, outputPaddingW: outputPadding, path: path)
        let weightOffset = parameters.offset(of: "\(key).weight")
        let biasOffset = parameters.offset(of: "\(key).bias")
        let (geometry, path) = (geometry, path)
        return (
            output,
            { gradOutput, gradients in
                let g = Tensor.convTranspose2dBackward(
                    gradOutput, input: input, weight: weight, geometry: geometry, path: path)
                accumulate(g.dWeight, into: &gradients, at: weightOffset)
                accumulate(g.dBias, into: &gradients, at: biasOffset)
                return g.dInput
            }
        )
    }
}
