import CaecTensor

/// A CIFAR-10 classifier: 3x32x32 pixels in [0, 1] to 10 logits.
package struct Classifier: Sendable {
    package let id: String
    package let network: Sequential
    /// Whether predictions use the mean of the logits of each image and its left-right mirror (test-time flip), as
    /// the model's recorded accuracy does.
    package let testTimeFlip: Bool

    package init(id: String, network: Sequential, testTimeFlip: Bool = false) {
        self.id = id
        self.network = network
        self.testTimeFlip = testTimeFlip
    }

    package var parameterSpecs: [ParameterSpec] { network.parameterSpecs }

    /// The network's logits for `x` (N, 3, 32, 32).
    package func logits(_ x: Tensor, _ parameters: Parameters) -> Tensor { network.forward(x, parameters) }

    /// The logits predictions are made from: `logits`, or with `testTimeFlip` the mean of those of `x` and its
    /// mirror.
    package func evaluationLogits(_ x: Tensor, _ parameters: Parameters) -> Tensor {
        let plain = logits(x, parameters)
        guard testTimeFlip else { return plain }
        return Tensor.scale(Tensor.add(plain, logits(Self.mirrored(x), parameters)), by: 0.5)
    }

    /// `batch` (N, C, H, W) mirrored left-right.
    package static func mirrored(_ batch: Tensor) -> Tensor {
        let (N, C, H, W) = batch.nchw
        var output = batch
        for row in 0..<N * C * H {
            for x in 0..<W { output.data[row * W + x] = batch.data[row * W + W - 1 - x] }
        }
        return output
    }

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

    /// A ResNet-9-style CIFAR network (Page 2018, "How to train your ResNet") at widths `widths` = (prep, layer1,
    /// layer2, layer3); `[64, 128, 256, 512]` is Page's ResNet-9. Every convolution is 3x3, padding 1, no bias,
    /// followed by batch normalisation (PyTorch defaults) and ReLU; pooling follows the convolution it halves:
    /// ```
    /// x (3, 32, 32) -> prep:   conv 3->w0, BN, ReLU                                         (w0, 32, 32)
    ///   -> layer1: conv w0->w1, maxpool2, BN, ReLU                                          (w1, 16, 16)
    ///   -> res1:   x + ReLU(BN(conv w1->w1 (ReLU(BN(conv w1->w1 (x))))))                    (w1, 16, 16)
    ///   -> layer2: conv w1->w2, maxpool2, BN, ReLU                                          (w2,  8,  8)
    ///   -> layer3: conv w2->w3, maxpool2, BN, ReLU                                          (w3,  4,  4)
    ///   -> res3:   x + ReLU(BN(conv w3->w3 (ReLU(BN(conv w3->w3 (x))))))                    (w3,  4,  4)
    ///   -> maxpool4 -> flatten (w3) -> fc w3->10 -> x 0.125 -> logits (10)
    /// ```
    /// Keys: `prep.conv.weight`, `prep.bn.{weight,bias,running_mean,running_var}`, `layer1.conv.weight`,
    /// `layer1.bn.*`, `res1.0.conv.weight`, `res1.0.bn.*`, `res1.1.*`, ..., `fc.weight`, `fc.bias`. The fixed 0.125
    /// logit scale keeps the initial logits small, as in Page's net. Predictions use the test-time flip. With
    /// `frozenBatchNorm` every batch normalisation runs in inference mode in training forwards too (`BatchNorm2D`),
    /// for a trained classifier whose input gradient trains another model.
    ///
    /// Multiply-accumulates per 32x32 image: `1024 (27 w0 + 9 w0 w1) + 256 (18 w1^2 + 9 w1 w2) + 64 (9 w2 w3)
    /// + 16 (18 w3^2) + 10 w3`.
    package static func cifarResNet(id: String, widths: [Int], frozenBatchNorm: Bool = false) -> Classifier {
        precondition(widths.count == 4, "cifarResNet: widths are (prep, layer1, layer2, layer3)")
        let (w0, w1, w2, w3) = (widths[0], widths[1], widths[2], widths[3])
        func convBN(_ key: String, _ inChannels: Int, _ outChannels: Int, pool: Bool = false) -> [any Layer] {
            [
                Conv2D(
                    "\(key).conv", inChannels: inChannels, outChannels: outChannels, kernelSize: 3, padding: 1,
                    bias: false)
            ]
                + (pool ? [MaxPool(size: 2)] : []) + [
                    BatchNorm2D("\(key).bn", channels: outChannels, frozen: frozenBatchNorm), ReLU(),
                ]
        }
        func residual(_ key: String, _ channels: Int) -> Residual {
            Residual(convBN("\(key).0", channels, channels) + convBN("\(key).1", channels, channels))
        }
        let layers: [any Layer] =
            convBN("prep", 3, w0) + convBN("layer1", w0, w1, pool: true) + [residual("res1", w1)]
            + convBN("layer2", w1, w2, pool: true) + convBN("layer3", w2, w3, pool: true) + [residual("res3", w3)]
            + [MaxPool(size: 4), Flatten(), Linear("fc", inFeatures: w3, outFeatures: 10), Scale(0.125)]
        return Classifier(id: id, network: Sequential(layers), testTimeFlip: true)
    }

    /// The evaluation classifier `airbench-cifar`: Jordan's airbench94 network ("94% on CIFAR-10 in 3.29 seconds on
    /// a single GPU", 2024; after Page 2018 and hlb-CIFAR10) at block widths `widths` = (block1, block2, block3),
    /// `[64, 256, 256]` as published. A 2x2 whitening convolution (24 channels: the 12 whitened patch directions
    /// and their negatives, fixed after initialisation, `ClassifierInitialization`) and three convolution groups:
    /// ```
    /// x (3, 32, 32) -> whiten: conv2x2 3->24 (no padding, bias), GELU                          (24, 31, 31)
    ///   -> block1: conv 24->w1, maxpool2, BN, GELU, conv w1->w1, BN, GELU                     (w1, 15, 15)
    ///   -> block2: conv w1->w2, maxpool2, BN, GELU, conv w2->w2, BN, GELU                     (w2,  7,  7)
    ///   -> block3: conv w2->w3, maxpool2, BN, GELU, conv w3->w3, BN, GELU                     (w3,  3,  3)
    ///   -> maxpool3 -> flatten (w3) -> fc w3->10 -> x 1/9 -> logits (10)
    /// ```
    /// Block convolutions are 3x3, padding 1, no bias; batch normalisation uses momentum 0.4 (batch statistics'
    /// weight) and epsilon 1e-12, and its scale stays 1 in training (the recipe freezes `*.weight` of every BN).
    /// Keys: `whiten.weight`, `whiten.bias`, `block{1,2,3}.conv{1,2}.weight`, `block{1,2,3}.bn{1,2}.{weight,bias,
    /// running_mean,running_var}`, `fc.weight`, `fc.bias`. Predictions use the test-time flip.
    ///
    /// Multiply-accumulates per 32x32 image: `961 (12 * 24 + 9 * 24 w1) + 225 (9 w1^2 + 9 w1 w2) + 49 (9 w2^2 + 9 w2 w3)
    /// + 9 (9 w3^2) + 10 w3` (each group's first convolution runs before its pooling): 118,147,360 at (64, 256, 256).
    package static func airbench(id: String, widths: [Int], frozenBatchNorm: Bool = false) -> Classifier {
        precondition(widths.count == 3, "airbench: widths are (block1, block2, block3)")
        func group(_ key: String, _ inChannels: Int, _ outChannels: Int) -> [any Layer] {
            [
                Conv2D(
                    "\(key).conv1", inChannels: inChannels, outChannels: outChannels, kernelSize: 3, padding: 1,
                    bias: false, pytorchDefaultInit: true),
                MaxPool(size: 2),
                BatchNorm2D(
                    "\(key).bn1", channels: outChannels, momentum: 0.4, epsilon: 1e-12, frozen: frozenBatchNorm),
                GELU(),
                Conv2D(
                    "\(key).conv2", inChannels: outChannels, outChannels: outChannels, kernelSize: 3, padding: 1,
                    bias: false, pytorchDefaultInit: true),
                BatchNorm2D(
                    "\(key).bn2", channels: outChannels, momentum: 0.4, epsilon: 1e-12, frozen: frozenBatchNorm),
                GELU(),
            ]
        }
        let layers: [any Layer] =
            [
                Conv2D(
                    "whiten", inChannels: 3, outChannels: airbenchWhiteningChannels, kernelSize: 2, bias: true,
                    pytorchDefaultInit: true),
                GELU(),
            ]
            + group("block1", airbenchWhiteningChannels, widths[0]) + group("block2", widths[0], widths[1])
            + group("block3", widths[1], widths[2])
            + [MaxPool(size: 3), Flatten(), Linear("fc", inFeatures: widths[2], outFeatures: 10), Scale(1.0 / 9)]
        return Classifier(id: id, network: Sequential(layers), testTimeFlip: true)
    }

    /// Output channels of `airbench`'s whitening convolution: the 3 x 2 x 2 = 12 patch directions and their negatives.
    package static let airbenchWhiteningChannels = 24
}
