/// Why a training run stopped before its budget was spent. Each case carries the evidence.
package enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The loss of the batch at optimiser step `step` (1-based) was NaN or infinite; the parameters were left as
    /// they were after step `step - 1`.
    case nonFiniteLoss(step: Int)
    /// The gradient at step `step` held NaN or an infinity; it was not applied.
    case nonFiniteGradient(step: Int)
    /// Step `step` turned element `index` of parameter `name` into NaN or an infinity.
    case nonFiniteParameter(step: Int, name: String, index: Int)
    /// A state about to be saved holds NaN or an infinity in tensor `name` (a model key or `optimizer.<array>`).
    case nonFiniteCheckpoint(name: String, index: Int)

    package var description: String {
        switch self {
        case .nonFiniteLoss(let step):
            "training diverged: the loss at step \(step) is NaN or infinite (try a lower learning rate)"
        case .nonFiniteGradient(let step):
            "training diverged: the gradient at step \(step) holds NaN or infinity (try a lower learning rate)"
        case .nonFiniteParameter(let step, let name, let index):
            "training diverged: step \(step) made '\(name)' element \(index) NaN or infinite "
                + "(try a lower learning rate)"
        case .nonFiniteCheckpoint(let name, let index):
            "refusing to save a checkpoint: '\(name)' element \(index) is NaN or infinite"
        }
    }

    /// Throws `.nonFiniteParameter` if the optimiser step that just made `step` left a NaN or an infinity.
    static func checkParameters(_ state: TrainingState) throws(TrainingError) {
        if let bad = state.parameters.firstNonFinite() {
            throw .nonFiniteParameter(step: state.step, name: bad.name, index: bad.index)
        }
    }
}
