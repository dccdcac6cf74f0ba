import CaecCore
import CaecModel
import CaecTensor

/// The settings of one photo (rate-distortion) training run; nil means the default of
/// `RateDistortionTrainingConfiguration`.
package struct PhotoTrainingOptions: Sendable {
    package var modelID: String
    package var budget: RateDistortionTrainingConfiguration.Budget
    package var batchSize: Int?
    /// Base learning rate; the last 20% of the budget runs at a tenth of it.
    package var learningRate: Float?
    /// Side of the random training crops, in pixels.
    package var cropSide = 64
    package var seed: UInt64 = 1
    /// Training seconds between checkpoints (each with a held-out evaluation).
    package var checkpointSeconds: Double = 300
    /// Key prefixes whose parameters stay fixed.
    package var frozenPrefixes: [String] = []
    /// Learning-rate factors by key prefix (first match wins).
    package var learningRateScales: [(prefix: String, factor: Float)] = []

    package init(modelID: String, budget: RateDistortionTrainingConfiguration.Budget) {
        self.modelID = modelID
        self.budget = budget
    }
}

/// One run of `caec train photos`, without files: photos in, events and checkpoints out through a closure, the
/// final weights returned. The caller reads the photos and stores what the run hands back.
///
/// Of the photos, given sorted by name, `heldOutPhotos` evenly spaced ones are held out: their centre crops
/// (sides multiples of 16) give the held-out bpp and PSNR of every quality at each checkpoint.
package struct PhotoTrainingRun {
    /// Photos held out of training for the evaluation curves: this many, evenly spaced in name order.
    package static let heldOutPhotos = 8

    /// What the run reports while it trains.
    package enum Event: Sendable {
        /// The trainer's progress and held-out figures.
        case training(RateDistortionEvent)
        /// A checkpoint is due; the run goes on when the closure returns.
        case checkpoint(TrainingCheckpoint)
    }

    /// Where the run starts.
    package enum Start: Sendable {
        case fresh
        /// From trained weights of the same family (`--init-from`): fresh optimiser, step 0.
        case initialised(from: WeightsFile)
        /// From a checkpoint of this run (`--resume`).
        case resumed(from: WeightsFile)

        /// The state of `trainer` this start describes, and the seconds already trained: fresh, with the
        /// parameters `initialise` makes of the `--init-from` file (fresh optimiser, step 0), or restored from the
        /// checkpoint of model `modelID` with `specs`.
        ///
        /// - Throws: `TrainingRunError.badInitialWeights` or `.badCheckpoint`, with the file's problem.
        package func state(
            of trainer: RateDistortionTrainer, modelID: String, specs: [ParameterSpec],
            initialise: (WeightsFile) throws(WeightsError) -> Parameters
        ) throws(TrainingRunError) -> (state: TrainingState, seconds: Double) {
            var state = trainer.initialState()
            switch self {
            case .fresh:
                return (state, 0)
            case .initialised(let file):
                do throws(WeightsError) {
                    state.parameters = try initialise(file)
                } catch {
                    throw .badInitialWeights(error.description)
                }
                return (state, 0)
            case .resumed(let file):
                do throws(WeightsError) {
                    state = try Checkpoint.restore(file, into: state, modelID: modelID, specs: specs)
                } catch {
                    throw .badCheckpoint(error.description)
                }
                return (state, file.metadata("train_seconds_elapsed").flatMap(Double.init) ?? 0)
            }
        }
    }

    package let model: PhotoModel
    package let options: PhotoTrainingOptions
    package let configuration: RateDistortionTrainingConfiguration
    /// Stored as `trained_by` in checkpoints and final weights: how to run this again.
    package var commandLine = ""

    /// - Throws: `TrainingRunError.unknownModel` if `options.modelID` is not a photo model.
    package init(_ options: PhotoTrainingOptions) throws(TrainingRunError) {
        guard let model = PhotoModel(options.modelID) else {
            throw .unknownModel(options.modelID, known: PhotoModel.allIDs)
        }
        self.init(model: model, options: options)
    }

    /// A run of `model` (for instance a small one in a test); `options.modelID` is not consulted.
    package init(model: PhotoModel, options: PhotoTrainingOptions) {
        self.model = model
        self.options = options
        var configuration = RateDistortionTrainingConfiguration(budget: options.budget)
        if let batch = options.batchSize { configuration.batchSize = batch }
        if let rate = options.learningRate { configuration.learningRate = rate }
        configuration.finalLearningRate = configuration.learningRate / 10
        configuration.cropSide = options.cropSide
        configuration.seed = options.seed
        configuration.checkpointSeconds = options.checkpointSeconds
        configuration.frozenPrefixes = options.frozenPrefixes
        configuration.learningRateScales = options.learningRateScales
        self.configuration = configuration
    }

    /// Trains on `photos` (sorted by name) from `start` until the budget is spent.
    ///
    /// - Parameters:
    ///   - clock: seconds on a monotonic clock (the budget and the logs' times).
    ///   - events: called on the caller's thread with progress, held-out figures and each checkpoint.
    /// - Returns: the final weights, with the settings, `train_seconds` and `steps` in their metadata.
    /// - Throws: `TrainingRunError`: too few photos, unusable start weights, or divergence (after the checkpoints
    ///   up to it were handed out).
    package func run(
        photos: [RGBImage], from start: Start, clock: () -> Double, events: (Event) -> Void
    ) throws(TrainingRunError) -> TrainedWeights {
        let (data, heldOut) = try split(photos)
        let trainer = RateDistortionTrainer(objective: model.objective, configuration: configuration)
        let (state, seconds) = try initialState(trainer, start: start)
        let settings = self.settings(trainingImages: data.count)
        return try trainer.trainedWeights(
            from: state, seconds: seconds, data: data, heldOut: heldOut, clock: clock, modelID: model.id,
            settings: settings, events: events)
    }

    /// The training crops and the held-out centre crops of `photos`.
    func split(_ photos: [RGBImage]) throws(TrainingRunError) -> (data: PhotoCropDataset, heldOut: [Tensor]) {
        guard photos.count > Self.heldOutPhotos else {
            throw .tooFewPhotos(found: photos.count, heldOut: Self.heldOutPhotos)
        }
        let heldOutIndices = Set((0..<Self.heldOutPhotos).map { $0 * photos.count / Self.heldOutPhotos })
        var training: [RGBImage] = []
        var heldOut: [RGBImage] = []
        for (index, image) in photos.enumerated() {
            if heldOutIndices.contains(index) { heldOut.append(image) } else { training.append(image) }
        }
        let evaluation = PhotoCropDataset(heldOut)
        let heldOutTensors = (0..<evaluation.count).map {
            evaluation.centerCrop($0, multiple: RateDistortionModel.fourStageRate)
        }
        return (PhotoCropDataset(training), heldOutTensors)
    }

    /// The state `start` describes, and the seconds already trained.
    func initialState(_ trainer: RateDistortionTrainer, start: Start) throws(TrainingRunError)
        -> (state: TrainingState, seconds: Double)
    {
        try start.state(of: trainer, modelID: model.id, specs: model.parameterSpecs) { file throws(WeightsError) in
            try model.parameters(initialisingFrom: file, seed: options.seed)
        }
    }

    /// The settings stored in every checkpoint and in the final weights.
    func settings(trainingImages: Int) -> [(key: String, value: String)] {
        let lambdas = model.lambdas.map { "\($0)" }.joined(separator: " ")
        return [
            ("trained_by", commandLine), ("batch", "\(configuration.batchSize)"), ("crop", "\(options.cropSide)"),
            ("lr", "\(configuration.learningRate)"), ("seed", "\(options.seed)"), ("optimizer", "adam"),
            ("lambdas", lambdas), ("training_images", "\(trainingImages)"),
        ]
    }
}
