import CaecTensor

/// Max pooling with a square window and equal stride (2x2 stride 2 halves width and height).
package struct MaxPool: Layer {
    package let geometry: Conv2DGeometry

    package init(size: Int = 2) { geometry = Conv2DGeometry(kernelSize: size, stride: size) }

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor {
        Tensor.maxPool2d(input, geometry: geometry).output
    }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let (output, argmax) = Tensor.maxPool2d(input, geometry: geometry)
        let shape = input.shape
        return (output, { gradOutput, _ in Tensor.maxPool2dBackward(gradOutput, argmax: argmax, inputShape: shape) })
    }
}

/// Nearest-neighbour upsampling by an integer factor: each pixel becomes a `factor` x `factor` block.
package struct UpsampleNearest: Layer {
    package let factor: Int

    package init(factor: Int = 2) { self.factor = factor }

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor {
        Tensor.upsampleNearest(input, factor: factor)
    }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let factor = factor
        return (
            Tensor.upsampleNearest(input, factor: factor),
            { gradOutput, _ in Tensor.upsampleNearestBackward(gradOutput, factor: factor) }
        )
    }
}

/// (N, C, H, W) -> (N, C * H * W), in NCHW order (PyTorch's `flatten(1)`).
package struct Flatten: Layer {
    package init() {}

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor {
        input.reshaped([input.shape[0], input.count / max(1, input.shape[0])])
    }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let shape = input.shape
        return (forward(input, parameters), { gradOutput, _ in gradOutput.reshaped(shape) })
    }
}

/// Global average pooling to a vector: (N, C, H, W) -> (N, C), `y[n, c] = mean_{h, w} x[n, c, h, w]`.
package struct GlobalAvgPool: Layer {
    package init() {}

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor {
        let (N, C, _, _) = input.nchw
        return Tensor.globalAvgPool2d(input).reshaped([N, C])
    }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let shape = input.shape
        let (N, C) = (shape[0], shape[1])
        return (
            forward(input, parameters),
            { gradOutput, _ in Tensor.globalAvgPool2dBackward(gradOutput.reshaped([N, C, 1, 1]), inputShape: shape) }
        )
    }
}
