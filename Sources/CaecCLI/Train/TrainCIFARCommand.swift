import ArgumentParser
import CaecCore
import CaecModel
import CaecTensor
import CaecTrain

/// `caec train cifar`: trains one registered model on CIFAR-10, with progress, a loss log, checkpoints and resume.
struct TrainCIFARCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cifar",
        abstract: "Train a model (autoencoder or classifier) on CIFAR-10.",
        discussion: """
            Defaults are each model's recorded recipe (the paper's: Adam, lr 1e-3, batch 64, 5 epochs). Writes, in \
            --out (default runs/<model>): <model>.caew (the final weights, with the settings and the accuracy or \
            MSE on the first 1,000 test images in its metadata), checkpoint.caew after every epoch, loss.csv \
            (mean training loss every 20 steps) and epochs.csv (per-epoch training and test figures). The same \
            seed, data and settings give the same weights. Copy <model>.caew into Models/ to ship it.
            """
    )

    @OptionGroup var run: TrainRunOptions
    @OptionGroup var cifar: CIFAROptions

    func validate() throws {
        if PhotoModel(run.model) != nil {
            throw ValidationError("\(run.model) trains on photographs: use `caec train photos`")
        }
    }

    func execute() throws(CLIFailure) { try CIFARTraining(run: run, cifar: cifar).execute() }
}

/// One CIFAR-10 training run: the data, the trainer, its logs and checkpoints, the final weights.
struct CIFARTraining {
    let run: TrainRunOptions
    let cifar: CIFAROptions

    var model: String { run.model }

    func execute() throws(CLIFailure) {
        let objective = TrainingRecipe.objective(for: model)!
        let configuration = self.configuration()
        let (runDirectory, checkpointPath) = try run.prepareRunDirectory()
        let (training, test) = try loadData()
        warmUpBLAS()
        let trainer = Trainer(objective: objective, configuration: configuration)
        var state = try initialState(trainer, checkpointPath: checkpointPath, specs: objective.parameterSpecs)
        let settings = self.settings(configuration, trainingImages: training.count)
        var logs = try TrainingLogs(directory: runDirectory, resume: run.resume)
        var progress = ProgressLine()
        let started = Clock.seconds()
        var failure: CLIFailure?
        let outcome: Result<TrainingState, TrainingError> = Result { () throws(TrainingError) in
            try trainer.run(
                from: state, data: ImageDataset(training), evaluation: ImageDataset(test), clock: Clock.seconds,
                report: { logs.record($0, model: model, configuration: configuration, progress: &progress) },
                checkpoint: { state in
                    guard failure == nil else { return }
                    failure = saveCheckpoint(state, modelID: model, metadata: settings, to: checkpointPath, logs: &logs)
                })
        }
        if let failure { throw failure }
        state = try finished(outcome, logs: &logs, directory: runDirectory)
        try finish(
            objective, state.parameters, test: test, settings: settings, seconds: Clock.seconds() - started,
            directory: runDirectory, progress: &progress)
    }

    /// The model's recipe with the command line's overrides.
    func configuration() -> TrainingConfiguration {
        var configuration = TrainingRecipe.configuration(for: model)!
        if let epochs = cifar.epochs { configuration.epochs = epochs }
        if let batch = run.batch { configuration.batchSize = batch }
        if let lr = run.lr { configuration.learningRate = lr }
        configuration.seed = run.seed
        return configuration
    }

    func loadData() throws(CLIFailure) -> (training: CIFAR10.Batch, test: CIFAR10.Batch) {
        let dataDirectory = try DataLocator.cifarDirectory(cifar.data)
        var training = try DataLocator.loadCIFAR(dataDirectory, files: CIFAR10.trainingFiles)
        if let limit = cifar.limit { training = training.prefix(limit) }
        return (training, try DataLocator.loadCIFAR(dataDirectory, files: [CIFAR10.testFile]))
    }

    func initialState(_ trainer: Trainer, checkpointPath: String, specs: [ParameterSpec]) throws(CLIFailure)
        -> TrainingState
    {
        var state = trainer.initialState()
        guard run.resume else { return state }
        let bytes = try FileInput.read(checkpointPath)
        do {
            let file = try WeightsFile(parsing: bytes)
            state = try Checkpoint.restore(file, into: state, modelID: model, specs: specs)
        } catch {
            throw CLIFailure(.model, path: checkpointPath, error.description)
        }
        printError("caec: resuming \(model) after epoch \(state.epoch) (step \(state.step))")
        return state
    }

    /// The settings stored in every checkpoint and in the final weights.
    func settings(_ configuration: TrainingConfiguration, trainingImages: Int) -> [(key: String, value: String)] {
        let commandLine =
            "caec train --model \(model) --epochs \(configuration.epochs) --batch "
            + "\(configuration.batchSize) --lr \(configuration.learningRate) --seed \(run.seed)"
            + (cifar.limit.map { " --limit \($0)" } ?? "")
        return [
            ("trained_by", commandLine), ("epochs", "\(configuration.epochs)"),
            ("batch", "\(configuration.batchSize)"), ("lr", "\(configuration.learningRate)"), ("seed", "\(run.seed)"),
            ("optimizer", configuration.optimizer.rawValue), ("training_images", "\(trainingImages)"),
        ]
    }

    /// Evaluates the trained parameters and writes `<model>.caew` with the figures in its metadata.
    func finish(
        _ objective: any TrainingObjective, _ parameters: Parameters, test: CIFAR10.Batch,
        settings: [(key: String, value: String)], seconds: Double, directory: String, progress: inout ProgressLine
    ) throws(CLIFailure) {
        let (loss1000, accuracy1000) = Trainer.evaluate(objective, parameters, on: ImageDataset(test.prefix(1000)))
        var metadata = settings
        metadata.append(("train_seconds", NumberFormat.fixed(seconds, 1)))
        if let accuracy1000 {
            let (_, accuracyAll) = Trainer.evaluate(objective, parameters, on: ImageDataset(test))
            metadata.append(("test1000_accuracy", "\(accuracy1000)"))
            metadata.append(("test_accuracy", "\(accuracyAll!)"))
        } else {
            metadata.append(("test1000_mse", "\(loss1000)"))
        }
        let weights = parameters.weightsFile(modelID: model, metadata: metadata)
        let weightsPath = directory + "/\(model).caew"
        try SafeOutput(path: weightsPath, force: true).write(weights.serialized(), inputs: [])
        let summary =
            accuracy1000.map { "accuracy \(NumberFormat.fixed($0 * 100, 2))% on the first 1,000 test images" }
            ?? "MSE \(NumberFormat.fixed(loss1000, 5)) on the first 1,000 test images"
        progress.finish("caec: wrote \(weightsPath): \(summary)")
    }
}

/// loss.csv and epochs.csv of a CIFAR-10 run, and the progress line.
struct TrainingLogs: TrainingLogFiles {
    var loss: CSVLog
    var epochs: CSVLog

    init(directory: String, resume: Bool) throws(CLIFailure) {
        loss = try CSVLog(path: directory + "/loss.csv", header: "epoch,step,loss,lr", append: resume)
        epochs = try CSVLog(
            path: directory + "/epochs.csv", header: "epoch,step,train_loss,test_loss,test_accuracy,seconds",
            append: resume)
    }

    mutating func flush() throws(CLIFailure) {
        try loss.flush()
        try epochs.flush()
    }

    mutating func record(
        _ event: TrainingEvent, model: String, configuration: TrainingConfiguration, progress: inout ProgressLine
    ) {
        let totalEpochs = configuration.epochs
        switch event {
        case .progress(let epoch, let batch, let batches, let step, let loss, let rate, let speed):
            self.loss.append("\(epoch + 1),\(step),\(loss),\(rate)")
            let remaining = Double((totalEpochs - epoch) * batches - batch) * Double(configuration.batchSize)
            progress.update(
                "\(model) epoch \(epoch + 1)/\(totalEpochs) batch \(batch)/\(batches)  loss "
                    + "\(NumberFormat.fixed(Double(loss), 5))  \(Int(speed)) img/s  ETA "
                    + formatDuration(remaining / max(speed, 1e-9)))
        case .epochEnd(let epoch, let step, let trainLoss, let testLoss, let accuracy, let seconds):
            epochs.append(
                "\(epoch + 1),\(step),\(trainLoss),\(testLoss),\(accuracy.map { "\($0)" } ?? ""),\(seconds)")
            let figure =
                accuracy.map { "test accuracy \(NumberFormat.fixed($0 * 100, 2))%" }
                ?? "test MSE \(NumberFormat.fixed(testLoss, 5))"
            progress.finish(
                "\(model) epoch \(epoch + 1)/\(totalEpochs): train loss \(NumberFormat.fixed(trainLoss, 5)), "
                    + "\(figure), \(formatDuration(seconds))")
        }
    }
}
