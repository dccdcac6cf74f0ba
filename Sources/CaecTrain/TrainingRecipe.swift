import CaecModel

/// The recorded settings each shipped model is trained with; `caec train` starts from these.
package enum TrainingRecipe {
    /// The paper's recipe for its CNN and autoencoders: Adam, learning rate 1e-3, batch 64, 5 epochs, pixels / 255,
    /// no augmentation.
    package static func configuration(for id: String) -> TrainingConfiguration? {
        guard ModelRegistry.allIDs.contains(id) else { return nil }
        return TrainingConfiguration(epochs: 5, batchSize: 64, learningRate: 1e-3)
    }

    /// The objective that trains model `id`.
    package static func objective(for id: String) -> (any TrainingObjective)? {
        if let model = ModelRegistry.autoencoder(id) { return ReconstructionObjective(model) }
        if let model = ModelRegistry.classifier(id) { return ClassificationObjective(model) }
        return nil
    }
}
