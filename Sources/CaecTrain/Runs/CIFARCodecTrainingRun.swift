import CaecCore
import CaecModel
import CaecTensor

/// The settings of one task-aware codec run on CIFAR-10 (`caec train cifar --model cifar-task-vr`); nil means the
/// default of `RateDistortionTrainingConfiguration`.
package struct CIFARCodecTrainingOptions: Sendable {
    package var modelID: String
    package var budget: RateDistortionTrainingConfiguration.Budget
    /// The training classifier's id (never a judge); its weights come with the run.
    package var classifierID: String
    /// The task term's weight beside the MSE (0: a plain rate-distortion codec).
    package var beta: Float
    package var batchSize: Int?
    /// Base learning rate; the last 20% of the budget runs at a tenth of it.
    package var learningRate: Float?
    package var seed: UInt64 = 1
    /// Training seconds between checkpoints (each with a held-out evaluation).
    package var checkpointSeconds: Double = 300
    /// Training images held out for the evaluation curves (the last ones of the training set).
    package var heldOutImages = CIFARCodecTrainingRun.heldOutImages

    package init(
        modelID: String, budget: RateDistortionTrainingConfiguration.Budget, classifierID: String, beta: Float
    ) {
        self.modelID = modelID
        self.budget = budget
        self.classifierID = classifierID
        self.beta = beta
    }
}

/// One run of `caec train cifar` for a task-aware codec, without files: CIFAR-10 training images and the training
/// classifier's weights in, events and checkpoints out through a closure, the final weights returned.
///
/// The last `options.heldOutImages` (default `heldOutImages`) training images are held out (never the test set): their bpp, PSNR, task term and
/// the training classifier's agreement at every quality are reported at each checkpoint. Training draws whole
/// 32x32 images (mirrored with probability 1/2) and one quality per image (`RateDistortionTrainer`).
package struct CIFARCodecTrainingRun {
    /// Training images held out for the evaluation curves by default.
    package static let heldOutImages = 500
    /// Held-out images per evaluation batch.
    static let heldOutBatch = 100

    package let model: RateDistortionModel
    package let options: CIFARCodecTrainingOptions
    package let configuration: RateDistortionTrainingConfiguration
    /// Stored as `trained_by` in checkpoints and final weights: how to run this again.
    package var commandLine = ""
    /// Stored as `init_from` in checkpoints and final weights: the model id (and file) training started from.
    package var initialisedFrom = "-"

    /// - Throws: `TrainingRunError.unknownModel` if `options.modelID` is not a task-aware codec.
    package init(_ options: CIFARCodecTrainingOptions) throws(TrainingRunError) {
        guard ModelRegistry.taskCodecIDs.contains(options.modelID),
            let model = ModelRegistry.rateDistortion(options.modelID)
        else { throw .unknownModel(options.modelID, known: ModelRegistry.taskCodecIDs) }
        self.init(model: model, options: options)
    }

    /// A run of `model` (for instance a small one in a test); `options.modelID` is not consulted.
    package init(model: RateDistortionModel, options: CIFARCodecTrainingOptions) {
        self.model = model
        self.options = options
        var configuration = RateDistortionTrainingConfiguration(budget: options.budget)
        configuration.batchSize = options.batchSize ?? 32
        if let rate = options.learningRate { configuration.learningRate = rate }
        configuration.finalLearningRate = configuration.learningRate / 10
        configuration.cropSide = CIFAR10.side
        configuration.seed = options.seed
        configuration.checkpointSeconds = options.checkpointSeconds
        self.configuration = configuration
    }

    /// The objective: rate + lambda (MSE + beta task) with the classifier of `classifierFile`, or rate + lambda MSE
    /// without one (a plain rate-distortion leg, such as a warm-up before the task term).
    ///
    /// - Throws: `TrainingRunError.badClassifier` if the file is not a trained `options.classifierID`.
    package func objective(classifierFile: WeightsFile?) throws(TrainingRunError) -> RateDistortionObjective {
        guard let classifierFile else { return RateDistortionObjective(model) }
        do throws(WeightsError) {
            let term = try ClassifierTaskTerm(classifierID: options.classifierID, file: classifierFile)
            return RateDistortionObjective(model, taskTerm: term, beta: options.beta)
        } catch {
            throw .badClassifier(error.description)
        }
    }

    /// Trains on `training` from `start` (fresh, a trained rate-distortion model of the same widths adapted to this
    /// ladder by `RateDistortionModel.parameters(adapting:)`, or a checkpoint) until the budget is spent.
    ///
    /// - Parameters:
    ///   - classifierFile: the training classifier's weights (`options.classifierID`); nil trains without the task
    ///     term.
    ///   - clock: seconds on a monotonic clock (the budget and the logs' times).
    ///   - events: called on the caller's thread with progress, held-out figures and each checkpoint.
    /// - Returns: the final weights, with the settings, `train_seconds` and `steps` in their metadata.
    /// - Throws: `TrainingRunError`: too few images, an unusable classifier or checkpoint, or divergence (after the
    ///   checkpoints up to it were handed out).
    package func run(
        training: CIFAR10.Batch, classifierFile: WeightsFile?, start: PhotoTrainingRun.Start,
        clock: () -> Double, events: (PhotoTrainingRun.Event) -> Void
    ) throws(TrainingRunError) -> TrainedWeights {
        guard options.heldOutImages > 0, training.count > 2 * options.heldOutImages else {
            throw .tooFewPhotos(found: training.count, heldOut: options.heldOutImages)
        }
        let (data, heldOut) = Self.split(training, heldOut: options.heldOutImages)
        let trainer = RateDistortionTrainer(
            objective: try objective(classifierFile: classifierFile), configuration: configuration)
        let (state, seconds) = try start.state(of: trainer, modelID: model.id, specs: model.parameterSpecs) {
            file throws(WeightsError) in try model.parameters(adapting: file)
        }
        let settings = self.settings(trainingImages: data.count, classifierFile: classifierFile)
        return try trainer.trainedWeights(
            from: state, seconds: seconds, data: data, heldOut: heldOut, clock: clock, modelID: model.id,
            settings: settings, events: events)
    }

    /// The training images (all but the last `heldOutImages`) and the held-out ones as batches of up to 100
    /// (N, 3, 32, 32).
    static func split(_ training: CIFAR10.Batch, heldOut heldOutImages: Int) -> (
        data: PhotoCropDataset, heldOut: [Tensor]
    ) {
        let kept = training.count - heldOutImages
        let data = PhotoCropDataset((0..<kept).map(training.image))
        let heldOut = stride(from: kept, to: training.count, by: heldOutBatch).map { start in
            let end = min(start + heldOutBatch, training.count)
            let pixels = 3 * CIFAR10.side * CIFAR10.side
            let values = training.planes[start * pixels..<end * pixels].map { Float($0) * (1 / 255) }
            return Tensor(shape: [end - start, 3, CIFAR10.side, CIFAR10.side], data: values)
        }
        return (data, heldOut)
    }

    /// The settings stored in every checkpoint and in the final weights.
    func settings(trainingImages: Int, classifierFile: WeightsFile?) -> [(key: String, value: String)] {
        let lambdas = model.lambdas.map { "\($0)" }.joined(separator: " ")
        return [
            ("trained_by", commandLine), ("batch", "\(configuration.batchSize)"), ("crop", "\(CIFAR10.side)"),
            ("lr", "\(configuration.learningRate)"), ("seed", "\(options.seed)"), ("optimizer", "adam"),
            ("lambdas", lambdas), ("training_images", "\(trainingImages)"),
            ("held_out_images", "\(options.heldOutImages)"),
            ("task_classifier", classifierFile == nil ? "none" : options.classifierID),
            ("task_classifier_accuracy", classifierFile?.metadata("test_accuracy") ?? "-"),
            ("task_beta", classifierFile == nil ? "0" : "\(options.beta)"),
            ("task_term", "KL(softmax(classifier(x)) || softmax(classifier(x^)))"), ("init_from", initialisedFrom),
        ]
    }
}
