import CaecModel

/// The recorded settings each shipped model is trained with; `caec train` starts from these.
package enum TrainingRecipe {
    /// The paper's recipe for its CNN and autoencoders: Adam, learning rate 1e-3, batch 64, 5 epochs, pixels / 255,
    /// no augmentation. `resnet9-cifar` and the task classifier `resnet9-cifar-task` have their own (see
    /// `resnet9CIFAR`).
    package static func configuration(for id: String) -> TrainingConfiguration? {
        guard ModelRegistry.allIDs.contains(id) else { return nil }
        if id == "resnet9-cifar" || id == ModelRegistry.taskClassifierID { return resnet9CIFAR }
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

    /// The objective that trains model `id`.
    package static func objective(for id: String) -> (any TrainingObjective)? {
        if let model = ModelRegistry.autoencoder(id) { return ReconstructionObjective(model) }
        if id == "resnet9-cifar" || id == ModelRegistry.taskClassifierID, let model = ModelRegistry.classifier(id) {
            return ClassificationObjective(model, labelSmoothing: 0.2)
        }
        if let model = ModelRegistry.classifier(id) { return ClassificationObjective(model) }
        return nil
    }
}
