import CaecTensor

/// Backward of one forward call: takes dL/dOutput, adds the parameter gradients into `gradients` (laid out like
/// `Parameters.values`) and returns dL/dInput. It captures exactly what the backward needs.
package typealias Pullback = (_ gradOutput: Tensor, _ gradients: inout [Float]) -> Tensor

/// A network part with named parameters. Keys are explicit dotted strings given at construction (`enc.0.weight`),
/// never derived from Swift property names.
package protocol Layer: Sendable {
    /// This layer's entries of the model's key table.
    var parameterSpecs: [ParameterSpec] { get }
    /// Inference forward.
    func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor
    /// Training forward: the output and its pullback. Layers with running statistics update them in `parameters`.
    func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (output: Tensor, pullback: Pullback)
}

extension Layer {
    package var parameterSpecs: [ParameterSpec] { [] }
}

/// Layers applied in order; the pullback runs the children's pullbacks in reverse.
package struct Sequential: Layer {
    package var layers: [any Layer]

    package init(_ layers: [any Layer]) { self.layers = layers }

    package var parameterSpecs: [ParameterSpec] { layers.flatMap(\.parameterSpecs) }

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor {
        layers.reduce(input) { $1.forward($0, parameters) }
    }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        var x = input
        var pullbacks: [Pullback] = []
        pullbacks.reserveCapacity(layers.count)
        for layer in layers {
            let (y, pullback) = layer.forwardTraining(x, &parameters)
            pullbacks.append(pullback)
            x = y
        }
        return (
            x,
            { gradOutput, gradients in
                var g = gradOutput
                for pullback in pullbacks.reversed() { g = pullback(g, &gradients) }
                return g
            }
        )
    }
}
