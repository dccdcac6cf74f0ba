import CaecTensor

/// A CIFAR-10 classifier: 3x32x32 pixels in [0, 1] to 10 logits.
package struct Classifier: Sendable {
    package let id: String
    package let network: Sequential

    package init(id: String, network: Sequential) {
        self.id = id
        self.network = network
    }

    package var parameterSpecs: [ParameterSpec] { network.parameterSpecs }

    package func logits(_ x: Tensor, _ parameters: Parameters) -> Tensor { network.forward(x, parameters) }

    /// The arg-max class of each row of `logits` (N, K); ties go to the lower class.
    package static func predictions(_ logits: Tensor) -> [Int] {
        let (n, k) = (logits.shape[0], logits.shape[1])
        return (0..<n).map { row in
            var best = 0
            for j in 1..<k where logits.data[row * k + j] > logits.data[row * k + best] { best = j }
            return best
        }
    }

    /// LeNet-5 as the paper uses it, with ReLU and max pooling:
    /// ```
    /// x (3, 32, 32) -> conv5x5 3->6 -> ReLU -> maxpool2 -> conv5x5 6->16 -> ReLU -> maxpool2 -> (16, 5, 5)
    ///   -> flatten 400 -> fc 120 -> ReLU -> fc 84 -> ReLU -> fc 10
    /// ```
    package static func lenet5() -> Classifier {
        Classifier(
            id: "lenet5",
            network: Sequential([
                Conv2D("conv1", inChannels: 3, outChannels: 6, kernelSize: 5), ReLU(), MaxPool(size: 2),
                Conv2D("conv2", inChannels: 6, outChannels: 16, kernelSize: 5), ReLU(), MaxPool(size: 2),
                Flatten(),
                Linear("fc1", inFeatures: 400, outFeatures: 120), ReLU(),
                Linear("fc2", inFeatures: 120, outFeatures: 84), ReLU(),
                Linear("fc3", inFeatures: 84, outFeatures: 10),
            ]))
    }
}
