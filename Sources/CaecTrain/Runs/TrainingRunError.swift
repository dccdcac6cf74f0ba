import CaecModel

/// Why a training run (`PhotoTrainingRun`, `CIFARTrainingRun`) did not produce weights. Each case names the input it
/// blames, so that a caller can say which file was wrong.
package enum TrainingRunError: Error, Equatable, CustomStringConvertible {
    /// `modelID` is not a model this kind of run trains.
    case unknownModel(String, known: [String])
    /// A photo run needs more photos than the `heldOut` it keeps for evaluation.
    case tooFewPhotos(found: Int, heldOut: Int)
    /// The weights the run starts from (`--init-from`) cannot initialise this model.
    case badInitialWeights(String)
    /// The checkpoint to resume from cannot be restored.
    case badCheckpoint(String)
    /// The training classifier's weights of a task-aware codec run cannot be loaded.
    case badClassifier(String)
    /// A non-finite loss, gradient or parameter stopped training, or a state could not be checkpointed.
    case diverged(TrainingError)

    package var description: String {
        switch self {
        case .unknownModel(let id, let known): "unknown model '\(id)'; known: \(known.joined(separator: ", "))"
        case .tooFewPhotos(_, let heldOut): "needs more than \(heldOut) images"
        case .badInitialWeights(let reason), .badCheckpoint(let reason), .badClassifier(let reason): reason
        case .diverged(let error): error.description
        }
    }
}

/// What a training run's caller gets when a checkpoint is due: the file to store (a `Checkpoint` of the state),
/// its step, and the seconds trained so far.
package struct TrainingCheckpoint: Sendable {
    package var file: WeightsFile
    package var step: Int
    package var seconds: Double
}

/// What a finished training run made: the final weights (parameters and settings metadata, no optimiser state) and
/// how long it trained.
package struct TrainedWeights: Sendable {
    package var file: WeightsFile
    package var steps: Int
    package var seconds: Double
}
