import CaecCore
import CaecModel

/// The settings of one CIFAR-10 training run; nil means the model's recipe (`TrainingRecipe`).
package struct CIFARTrainingOptions: Sendable {
    package var modelID: String
    package var epochs: Int?
    package var batchSize: Int?
    package var learningRate: Float?
    package var seed: UInt64 = 1

    package init(modelID: String) { self.modelID = modelID }
}

/// One run of `caec train cifar`, without files: the data sets in, events and checkpoints out through a closure,
/// the final weights returned with their test figures. The same options, data and seed give the same weights.
package struct CIFARTrainingRun {
    /// Test images whose figures the final weights record first (`test1000_accuracy`, `test1000_mse`).
    package static let quickTestImages = 1000

    /// What the run reports while it trains.
    package enum Event: Sendable {
        /// The trainer's progress and epoch figures.
        case training(TrainingEvent)
        /// A checkpoint is due (after every epoch); the run goes on when the closure returns.
        case checkpoint(TrainingCheckpoint)
    }

    /// The final weights and their figures on the test set.
    package struct Result: Sendable {
        package var weights: TrainedWeights
        /// Mean loss on the first `quickTestImages` test images (MSE per value for autoencoders).
        package var quickTestLoss: Double
        /// Top-1 accuracy in [0, 1] on the first `quickTestImages` test images; nil for autoencoders.
        package var quickTestAccuracy: Double?
    }

    package let options: CIFARTrainingOptions
    package let objective: any TrainingObjective
    package let configuration: TrainingConfiguration
    /// Stored as `trained_by` in checkpoints and final weights: how to run this again.
    package var commandLine = ""

    /// - Throws: `TrainingRunError.unknownModel` if `options.modelID` has no CIFAR-10 recipe.
    package init(_ options: CIFARTrainingOptions) throws(TrainingRunError) {
        guard var configuration = TrainingRecipe.configuration(for: options.modelID),
            let objective = TrainingRecipe.objective(for: options.modelID)
        else {
            throw .unknownModel(
                options.modelID, known: ModelRegistry.autoencoderIDs + ModelRegistry.classifierIDs)
        }
        if let epochs = options.epochs { configuration.epochs = epochs }
        if let batch = options.batchSize { configuration.batchSize = batch }
        if let rate = options.learningRate { configuration.learningRate = rate }
        configuration.seed = options.seed
        self.options = options
        self.objective = objective
        self.configuration = configuration
    }

    /// Trains on `training`, evaluating on `test` after every epoch, from a fresh state or from `checkpoint`.
    ///
    /// - Parameters:
    ///   - clock: seconds on a monotonic clock (throughput and `train_seconds`).
    ///   - events: called on the caller's thread with progress, epoch figures and each checkpoint.
    /// - Throws: `TrainingRunError.badCheckpoint` or `.diverged` (after the checkpoints up to it were handed out).
    package func run(
        training: CIFAR10.Batch, test: CIFAR10.Batch, resumingFrom checkpoint: WeightsFile?, clock: () -> Double,
        events: (Event) -> Void
    ) throws(TrainingRunError) -> Result {
        let trainer = Trainer(objective: objective, configuration: configuration)
        var state = trainer.initialState()
        if checkpoint == nil
            && !TrainingRecipe.initialize(options.modelID, &state.parameters, training: ImageDataset(training))
        {
            throw .badInitialWeights(
                "cannot initialise \(options.modelID): LAPACK's dsyev is missing from the loaded OpenBLAS or failed")
        }
        if let checkpoint {
            do throws(WeightsError) {
                state = try Checkpoint.restore(
                    checkpoint, into: state, modelID: options.modelID, specs: objective.parameterSpecs)
            } catch {
                throw .badCheckpoint(error.description)
            }
        }
        let settings = self.settings(trainingImages: training.count)
        let started = clock()
        var failure: TrainingError?
        do throws(TrainingError) {
            state = try trainer.run(
                from: state, data: ImageDataset(training), evaluation: ImageDataset(test), clock: clock,
                report: { events(.training($0)) },
                checkpoint: { state in
                    guard failure == nil else { return }
                    do throws(TrainingError) {
                        let file = try Checkpoint.file(state, modelID: options.modelID, metadata: settings)
                        events(
                            .checkpoint(TrainingCheckpoint(file: file, step: state.step, seconds: clock() - started)))
                    } catch {
                        failure = error
                    }
                })
        } catch {
            throw .diverged(error)
        }
        if let failure { throw .diverged(failure) }
        return finish(state, test: test, settings: settings, seconds: clock() - started)
    }

    /// Evaluates the trained parameters and makes the final weights with the figures in their metadata.
    func finish(_ state: TrainingState, test: CIFAR10.Batch, settings: [(key: String, value: String)], seconds: Double)
        -> Result
    {
        let parameters = state.parameters
        let (loss, accuracy) = Trainer.evaluate(
            objective, parameters, on: ImageDataset(test.prefix(Self.quickTestImages)))
        var metadata = settings
        metadata.append(("train_seconds", NumberFormat.fixed(seconds, 1)))
        if let accuracy {
            let (_, accuracyAll) = Trainer.evaluate(objective, parameters, on: ImageDataset(test))
            metadata.append(("test1000_accuracy", "\(accuracy)"))
            metadata.append(("test_accuracy", "\(accuracyAll!)"))
        } else {
            metadata.append(("test1000_mse", "\(loss)"))
        }
        let file = parameters.weightsFile(modelID: options.modelID, metadata: metadata)
        return Result(
            weights: TrainedWeights(file: file, steps: state.step, seconds: seconds), quickTestLoss: loss,
            quickTestAccuracy: accuracy)
    }

    /// The settings stored in every checkpoint and in the final weights.
    func settings(trainingImages: Int) -> [(key: String, value: String)] {
        [
            ("trained_by", commandLine), ("epochs", "\(configuration.epochs)"),
            ("batch", "\(configuration.batchSize)"), ("lr", "\(configuration.learningRate)"),
            ("seed", "\(options.seed)"), ("optimizer", configuration.optimizer.rawValue),
            ("training_images", "\(trainingImages)"),
        ]
    }
}
