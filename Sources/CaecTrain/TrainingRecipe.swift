import CaecModel

/// The recorded settings each shipped model is trained with; `caec train` starts from these.
package enum TrainingRecipe {
    /// The paper's recipe for its CNN and autoencoders: Adam, learning rate 1e-3, batch 64, 5 epochs, pixels / 255,
    /// no augmentation. `resnet9-cifar` and the task classifier `resnet9-cifar-task` have their own (see
    /// `resnet9CIFAR`).
    package static func configuration(for id: String) -> TrainingConfiguration? {
        guard ModelRegistry.allIDs.contains(id) else { return nil }
        if id == "resnet9-cifar" || id == ModelRegistry.taskClassifierID { return resnet9CIFAR }
        if id == ModelRegistry.airbenchCIFARID { return airbenchCIFAR }
        return TrainingConfiguration(epochs: 5, batchSize: 64, learningRate: 1e-3)
    }

    /// The evaluation classifier's recipe, after Page's ResNet-9 ("How to train your ResNet"): SGD with Nesterov
    /// momentum 0.9 and weight decay 5e-4 (coupled, PyTorch's convention), batch 512, a one-cycle rate rising
    /// linearly from 0.04 to 0.4 over the first 25% of the steps and then falling linearly to 0.0004, random
    /// pad-4 crops and flips, label smoothing 0.2 (in `objective(for:)`), evaluation with test-time flips.
    package static let resnet9CIFAR: TrainingConfiguration = {
        var configuration = TrainingConfiguration(epochs: 10, batchSize: 512, learningRate: 0.4)
        configuration.optimizer = .sgd
        configuration.momentum = 0.9
        configuration.weightDecay = 5e-4
        configuration.schedule = .oneCycle(peakFraction: 0.25, divisor: 10, finalDivisor: 1000)
        configuration.augmentation = .cifar
        configuration.logEvery = 5
        return configuration
    }()

    /// `airbench-cifar`'s recipe, airbench94's (Jordan 2024) in PyTorch's conventions with a mean loss: SGD with
    /// Nesterov momentum 0.85, batch 1024, rate 1.5 (airbench's 11.5 per 1024 examples divided by 1 + 1 / (1 -
    /// 0.85)), coupled weight decay 0.00133 (its 0.0153 per 1024 examples in the same terms), a triangle schedule
    /// from 0.2x up to 1x at 23% of the steps and down to 0.07x, batch-norm shifts at 64x the rate (and 1/64 the
    /// decay, so their pull is the same), batch-norm scales and the whitening filters fixed, reflect-pad-2
    /// translations and flips, label smoothing 0.2, 10 epochs. Left out of airbench: lookahead averaging,
    /// alternating flips, freezing the whitening bias after 3 epochs and the multi-crop test-time augmentation (the
    /// judge predicts with the flip only, at twice the cost of one pass, not six times).
    package static let airbenchCIFAR: TrainingConfiguration = {
        let momentum: Float = 0.85
        let stepScale = 1 + 1 / (1 - momentum)
        var configuration = TrainingConfiguration(epochs: 10, batchSize: 1024, learningRate: 11.5 / stepScale)
        configuration.optimizer = .sgd
        configuration.momentum = momentum
        // airbench's decay per step at batch 1024, 0.0153 / stepScale, over the rate above: rate * decay is that.
        configuration.weightDecay = 0.0153 / 11.5
        configuration.schedule = .oneCycle(peakFraction: 0.23, divisor: 5, finalDivisor: 1 / 0.07)
        configuration.augmentation = .cifarTranslate2
        configuration.parameterScales =
            [ParameterScale(suffix: "whiten.weight", factor: 0)]
            + (1...3).flatMap { block in
                (1...2).flatMap { norm in
                    [
                        ParameterScale(suffix: "block\(block).bn\(norm).weight", factor: 0),
                        ParameterScale(suffix: "block\(block).bn\(norm).bias", factor: 64),
                    ]
                }
            }
        configuration.logEvery = 2
        return configuration
    }()

    /// Applies model `id`'s data-dependent initialisation, if it has one, to a fresh state's `parameters`
    /// (`airbench-cifar`: `ClassifierInitialization.airbench` from the training images). Returns false if it
    /// could not be made.
    package static func initialize(_ id: String, _ parameters: inout Parameters, training: ImageDataset) -> Bool {
        guard id == ModelRegistry.airbenchCIFARID else { return true }
        return ClassifierInitialization.airbench(&parameters, images: training)
    }

    /// The objective that trains model `id`.
    package static func objective(for id: String) -> (any TrainingObjective)? {
        if let model = ModelRegistry.autoencoder(id) { return ReconstructionObjective(model) }
        if id == "resnet9-cifar" || id == ModelRegistry.taskClassifierID || id == ModelRegistry.airbenchCIFARID,
            let model = ModelRegistry.classifier(id)
        {
            return ClassificationObjective(model, labelSmoothing: 0.2)
        }
        if let model = ModelRegistry.classifier(id) { return ClassificationObjective(model) }
        return nil
    }
}
