import CaecTensor

/// A residual connection around a body of layers: `y = x + body(x)` (He et al. 2016, identity shortcut).
///
/// The body must keep the input's shape. The pullback adds the shortcut's gradient to the body's:
/// `dx = dy + body'(x)^T dy`. The body's keys are its layers' keys; the block adds none.
package struct Residual: Layer {
    package let body: Sequential

    package init(_ layers: [any Layer]) { body = Sequential(layers) }

    package var parameterSpecs: [ParameterSpec] { body.parameterSpecs }

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor {
        Tensor.add(input, body.forward(input, parameters))
    }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let (y, bodyPullback) = body.forwardTraining(input, &parameters)
        precondition(y.shape == input.shape, "Residual: body maps \(input.shape) to \(y.shape)")
        return (
            Tensor.add(input, y),
            { gradOutput, gradients in
                var dInput = bodyPullback(gradOutput, &gradients)
                dInput.addInPlace(gradOutput)
                return dInput
            }
        )
    }
}
