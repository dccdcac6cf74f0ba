import CaecModel

/// A resumable training state stored as a weights file (Spec/model-weights.md): the model's tensors, the
/// optimiser's arrays as buffers named `optimizer.<name>`, and `checkpoint_epoch` / `checkpoint_step` metadata.
package enum Checkpoint {
    static let optimizerPrefix = "optimizer."

    /// The checkpoint file of `state`.
    ///
    /// - Throws: `TrainingError.nonFiniteCheckpoint` if a parameter or an optimiser array holds NaN or an infinity:
    ///   such a file could not be loaded again (Spec/model-weights.md §4, check 8), so none is made.
    package static func file(_ state: TrainingState, modelID: String, metadata: [(key: String, value: String)])
        throws(TrainingError) -> WeightsFile
    {
        var file = state.parameters.weightsFile(
            modelID: modelID,
            metadata: metadata + [("checkpoint_epoch", "\(state.epoch)"), ("checkpoint_step", "\(state.step)")])
        let optimizerState = state.optimizer.state
        for (name, values) in optimizerState.arrays.sorted(by: { $0.key < $1.key }) {
            file.tensors.append(
                NamedTensor(
                    name: optimizerPrefix + name, kind: .buffer, shape: [values.count], storage: .float32(values)))
        }
        file.metadata.append(("optimizer_step", "\(optimizerState.step)"))
        if let bad = file.firstNonFiniteValue() { throw .nonFiniteCheckpoint(name: bad.name, index: bad.index) }
        return file
    }

    /// Restores a state written by `file(_:modelID:metadata:)` into `fresh` (which has the right optimiser kind).
    package static func restore(_ file: WeightsFile, into fresh: TrainingState, modelID: String, specs: [ParameterSpec])
        throws(WeightsError) -> TrainingState
    {
        var model = file
        model.tensors.removeAll { $0.name.hasPrefix(optimizerPrefix) }
        let parameters = try Parameters(loading: model, modelID: modelID, specs: specs)
        var arrays: [String: [Float]] = [:]
        for tensor in file.tensors where tensor.name.hasPrefix(optimizerPrefix) {
            guard case .float32(let values) = tensor.storage else { throw .typeMismatch(name: tensor.name) }
            arrays[String(tensor.name.dropFirst(optimizerPrefix.count))] = values
        }
        guard let epoch = file.metadata("checkpoint_epoch").flatMap(Int.init),
            let step = file.metadata("checkpoint_step").flatMap(Int.init),
            let optimizerStep = file.metadata("optimizer_step").flatMap(Int.init)
        else { throw .invalidField("checkpoint lacks its epoch, step or optimizer step") }
        var state = fresh
        state.parameters = parameters
        guard state.optimizer.restore(step: optimizerStep, arrays: arrays) else {
            throw .invalidField("checkpoint optimizer state does not match the optimizer or the model")
        }
        state.epoch = epoch
        state.step = step
        return state
    }
}
