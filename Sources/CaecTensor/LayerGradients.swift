/// Gradients of a layer with a weight and a bias (convolution, transposed convolution, linear) with respect to its
/// three operands.
package struct LayerGradients: Sendable, Equatable {
    /// dL/dInput, the shape of the input.
    package var dInput: Tensor
    /// dL/dWeight, the shape of the weight.
    package var dWeight: Tensor
    /// dL/dBias, shape (outChannels) or (outFeatures).
    package var dBias: Tensor

    package init(dInput: Tensor, dWeight: Tensor, dBias: Tensor) {
        self.dInput = dInput
        self.dWeight = dWeight
        self.dBias = dBias
    }
}

/// Which gradients a backward pass computes.
package enum GradientScope {
    /// When true, backward kernels that support it compute only dL/dInput and leave the parameter gradients at zero:
    /// the encoder's latent search (`--effort`) moves the latent, not the weights. Task-local; read on the calling
    /// thread before work is split.
    @TaskLocal package static var inputOnly = false
}
