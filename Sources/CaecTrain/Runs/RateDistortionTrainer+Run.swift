import CaecCore
import CaecModel
import CaecTensor

extension RateDistortionTrainer {
    /// Trains from `state` (with `seconds` already trained) until the budget is spent, handing each checkpoint to
    /// `events` as a `Checkpoint` file of model `modelID` with `settings` and `train_seconds_elapsed` in its metadata:
    /// the loop both photo and CIFAR codec runs share.
    ///
    /// - Returns: the final weights (no optimiser state), with `settings`, `train_seconds` and `steps` in their
    ///   metadata.
    /// - Throws: `TrainingRunError.diverged` when training diverges or a checkpoint cannot be written (after the
    ///   checkpoints up to it were handed out).
    func trainedWeights(
        from state: TrainingState, seconds: Double, data: PhotoCropDataset, heldOut: [Tensor], clock: () -> Double,
        modelID: String, settings: [(String, String)], events: (PhotoTrainingRun.Event) -> Void
    ) throws(TrainingRunError) -> TrainedWeights {
        var failure: TrainingError?
        let result: (state: TrainingState, seconds: Double)
        do throws(TrainingError) {
            result = try run(
                from: state, seconds: seconds, data: data, heldOut: heldOut, clock: clock,
                report: { events(.training($0)) },
                checkpoint: { state, seconds in
                    guard failure == nil else { return }
                    do throws(TrainingError) {
                        let file = try Checkpoint.file(
                            state, modelID: modelID, metadata: settings + [("train_seconds_elapsed", "\(seconds)")])
                        events(.checkpoint(TrainingCheckpoint(file: file, step: state.step, seconds: seconds)))
                    } catch {
                        failure = error
                    }
                })
        } catch {
            throw .diverged(error)
        }
        if let failure { throw .diverged(failure) }
        var metadata = settings
        metadata.append(("train_seconds", NumberFormat.fixed(result.seconds, 1)))
        metadata.append(("steps", "\(result.state.step)"))
        return TrainedWeights(
            file: result.state.parameters.weightsFile(modelID: modelID, metadata: metadata),
            steps: result.state.step, seconds: result.seconds)
    }
}
