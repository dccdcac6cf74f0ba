import CaecTensor

/// `y = max(x, 0)`.
package struct ReLU: Layer {
    package init() {}

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor { Tensor.relu(input) }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        (Tensor.relu(input), { gradOutput, _ in Tensor.reluBackward(gradOutput, input: input) })
    }
}

/// `y = x * Phi(x)`, Phi the standard normal CDF: the exact GELU (`Tensor.gelu`), as PyTorch's `nn.GELU()`.
package struct GELU: Layer {
    package init() {}

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor { Tensor.gelu(input) }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        (Tensor.gelu(input), { gradOutput, _ in Tensor.geluBackward(gradOutput, input: input) })
    }
}

/// `y = 1 / (1 + exp(-x))`: maps the decoder's output into [0, 1] pixel values.
package struct Sigmoid: Layer {
    package init() {}

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor { Tensor.sigmoid(input) }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let output = Tensor.sigmoid(input)
        return (output, { gradOutput, _ in Tensor.sigmoidBackward(gradOutput, output: output) })
    }
}

/// Multiplies by a constant: `y = factor * x` (the fixed logit scale of ResNet-9-style CIFAR nets).
package struct Scale: Layer {
    package let factor: Float

    package init(_ factor: Float) { self.factor = factor }

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor { Tensor.scale(input, by: factor) }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let factor = factor
        return (Tensor.scale(input, by: factor), { gradOutput, _ in Tensor.scale(gradOutput, by: factor) })
    }
}
