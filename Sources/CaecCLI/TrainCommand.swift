import ArgumentParser
import CaecCore
import CaecModel
import CaecTensor
import CaecTrain

/// `caec train`: trains one registered model on CIFAR-10, with progress, a loss log, checkpoints and resume.
struct TrainCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model (autoencoder or classifier) on CIFAR-10.",
        discussion: """
            Defaults are each model's recorded recipe (the paper's: Adam, lr 1e-3, batch 64, 5 epochs). Writes, in \
            --out (default runs/<model>): <model>.caew (the final weights, with the settings and the accuracy or \
            MSE on the first 1,000 test images in its metadata), checkpoint.caew after every epoch, loss.csv \
            (mean training loss every 20 steps) and epochs.csv (per-epoch training and test figures). The same \
            seed, data and settings give the same weights. Copy <model>.caew into Models/ to ship it.
            """
    )

    @Option(help: "Model id (see `caec models`).")
    var model: String

    @Option(help: "Epochs (default: the model's recipe).")
    var epochs: Int?

    @Option(help: "Batch size (default: the model's recipe).")
    var batch: Int?

    @Option(help: "Base learning rate (default: the model's recipe).")
    var lr: Float?

    @Option(help: "Seed for initialisation, shuffling and augmentation.")
    var seed: UInt64 = 1

    @Option(help: "CIFAR-10 folder (default: $CAEC_DATA, else ../shared/data/cifar-10-batches-bin).")
    var data: String?

    @Option(help: "Run folder for weights, checkpoint and logs (default: runs/<model>).")
    var out: String?

    @Option(help: "Train on only the first N training images (for quick trials).")
    var limit: Int?

    @Option(help: "Photo folder with MANIFEST.tsv (rate-distortion models such as bmshj-f-vr).")
    var photos: String?

    @Option(help: "Training time in minutes (rate-distortion models; lr / 10 for the last 20%).")
    var minutes: Double?

    @Option(help: "Training steps (rate-distortion models; instead of --minutes).")
    var steps: Int?

    @Option(help: "Crop side for photo training.")
    var crop: Int = 64

    @Option(help: "Minutes of training between checkpoints and held-out evaluations (photo training).")
    var checkpointMinutes: Double = 5

    @Option(help: "Build the codec tables of a trained rate-distortion run and measure real bytes on DIR's PNGs.")
    var codecEval: String?

    @Flag(help: "Print where a photo-training step spends its time, and exit.")
    var profile = false

    @Option(
        name: .customLong("init-from"),
        help: ArgumentHelp(
            "Start photo training from trained weights of the same model (fresh optimiser, step 0).",
            discussion:
                "The file's qualities may have other lambdas (its `lambdas` metadata): each quality starts from the "
                + "one with the nearest lambda, its gains and density rescaled (Spec/models.md)."))
    var initFrom: String?

    @Flag(help: "Continue from <out>/checkpoint.caew.")
    var resume = false

    @Flag(help: "Start over even if <out> has a checkpoint (overwrites it).")
    var force = false

    @Flag(help: "Time training steps (forward + backward at --batch) against the sgemm peak; train nothing.")
    var benchmark = false

    func validate() throws {
        guard TrainingRecipe.configuration(for: model) != nil else {
            throw ValidationError("unknown model '\(model)'; known: \(ModelRegistry.allIDs.joined(separator: ", "))")
        }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
        if let lr, !(lr > 0) { throw ValidationError("--lr must be positive") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if initFrom != nil && resume { throw ValidationError("--init-from and --resume exclude each other") }
        if initFrom != nil && ModelRegistry.rateDistortion(model) == nil {
            throw ValidationError("--init-from applies to photo (rate-distortion) training only")
        }
    }

    func execute() throws(CLIFailure) {
        if let model = ModelRegistry.rateDistortion(model) { return try executePhotos(model) }
        if benchmark {
            let batchSize = batch ?? TrainingRecipe.configuration(for: model)!.batchSize
            let macs = ModelRegistry.macsPerImage(model) ?? 0
            for line in TrainingBenchmark.run(
                objective: TrainingRecipe.objective(for: model)!, macsPerImage: macs, batchSize: batchSize)
            {
                print(line)
            }
            return
        }
        var configuration = TrainingRecipe.configuration(for: model)!
        if let epochs { configuration.epochs = epochs }
        if let batch { configuration.batchSize = batch }
        if let lr { configuration.learningRate = lr }
        configuration.seed = seed
        let objective = TrainingRecipe.objective(for: model)!
        let (runDirectory, checkpointPath) = try prepareRunDirectory(defaultName: model)

        let dataDirectory = try DataLocator.cifarDirectory(data)
        var training = try DataLocator.loadCIFAR(dataDirectory, files: CIFAR10.trainingFiles)
        if let limit { training = training.prefix(limit) }
        let test = try DataLocator.loadCIFAR(dataDirectory, files: [CIFAR10.testFile])
        warmUpBLAS()

        let trainer = Trainer(objective: objective, configuration: configuration)
        var state = trainer.initialState()
        if resume {
            let bytes = try FileInput.read(checkpointPath)
            do {
                let file = try WeightsFile(parsing: bytes)
                state = try Checkpoint.restore(file, into: state, modelID: model, specs: objective.parameterSpecs)
            } catch {
                throw CLIFailure(.model, path: checkpointPath, error.description)
            }
            printError("caec: resuming \(model) after epoch \(state.epoch) (step \(state.step))")
        }
        let commandLine =
            "caec train --model \(model) --epochs \(configuration.epochs) --batch "
            + "\(configuration.batchSize) --lr \(configuration.learningRate) --seed \(seed)"
            + (limit.map { " --limit \($0)" } ?? "")
        let settings: [(key: String, value: String)] = [
            ("trained_by", commandLine), ("epochs", "\(configuration.epochs)"),
            ("batch", "\(configuration.batchSize)"), ("lr", "\(configuration.learningRate)"), ("seed", "\(seed)"),
            ("optimizer", configuration.optimizer.rawValue), ("training_images", "\(training.count)"),
        ]

        var lossLog = try CSVLog(path: runDirectory + "/loss.csv", header: "epoch,step,loss,lr", append: resume)
        var epochLog = try CSVLog(
            path: runDirectory + "/epochs.csv", header: "epoch,step,train_loss,test_loss,test_accuracy,seconds",
            append: resume)
        var progress = ProgressLine()
        let started = Clock.seconds()
        let totalEpochs = configuration.epochs
        var failure: CLIFailure?
        state = trainer.run(
            from: state, data: ImageDataset(training), evaluation: ImageDataset(test), clock: Clock.seconds,
            report: { event in
                switch event {
                case .progress(let epoch, let batch, let batches, let step, let loss, let rate, let speed):
                    lossLog.append("\(epoch + 1),\(step),\(loss),\(rate)")
                    let remaining = Double((totalEpochs - epoch) * batches - batch) * Double(configuration.batchSize)
                    progress.update(
                        "\(model) epoch \(epoch + 1)/\(totalEpochs) batch \(batch)/\(batches)  loss \(NumberFormat.fixed(Double(loss), 5))"
                            + "  \(Int(speed)) img/s  ETA \(formatDuration(remaining / max(speed, 1e-9)))")
                case .epochEnd(let epoch, let step, let trainLoss, let testLoss, let accuracy, let seconds):
                    epochLog.append(
                        "\(epoch + 1),\(step),\(trainLoss),\(testLoss),\(accuracy.map { "\($0)" } ?? ""),\(seconds)")
                    let figure =
                        accuracy.map { "test accuracy \(NumberFormat.fixed($0 * 100, 2))%" }
                        ?? "test MSE \(NumberFormat.fixed(testLoss, 5))"
                    progress.finish(
                        "\(model) epoch \(epoch + 1)/\(totalEpochs): train loss \(NumberFormat.fixed(trainLoss, 5)), \(figure), "
                            + "\(formatDuration(seconds))")
                }
            },
            checkpoint: { state in
                guard failure == nil else { return }
                do throws(CLIFailure) {
                    let file = Checkpoint.file(state, modelID: model, metadata: settings)
                    try SafeOutput(path: checkpointPath, force: true).write(file.serialized(), inputs: [])
                    try lossLog.flush()
                    try epochLog.flush()
                } catch {
                    failure = error
                }
            })
        if let failure { throw failure }

        let first1000 = ImageDataset(test.prefix(1000))
        let (loss1000, accuracy1000) = Trainer.evaluate(objective, state.parameters, on: first1000)
        var metadata = settings
        metadata.append(("train_seconds", NumberFormat.fixed(Clock.seconds() - started, 1)))
        if let accuracy1000 {
            let (_, accuracyAll) = Trainer.evaluate(objective, state.parameters, on: ImageDataset(test))
            metadata.append(("test1000_accuracy", "\(accuracy1000)"))
            metadata.append(("test_accuracy", "\(accuracyAll!)"))
        } else {
            metadata.append(("test1000_mse", "\(loss1000)"))
        }
        let weights = state.parameters.weightsFile(modelID: model, metadata: metadata)
        let weightsPath = runDirectory + "/\(model).caew"
        try SafeOutput(path: weightsPath, force: true).write(weights.serialized(), inputs: [])
        let summary =
            accuracy1000.map { "accuracy \(NumberFormat.fixed($0 * 100, 2))% on the first 1,000 test images" }
            ?? "MSE \(NumberFormat.fixed(loss1000, 5)) on the first 1,000 test images"
        progress.finish("caec: wrote \(weightsPath): \(summary)")
    }
}

extension TrainCommand {
    /// Creates the run folder (`--out`, default `runs/<name>`) and checks its checkpoint against `--resume` and
    /// `--force`: an existing checkpoint needs one of them, and `--resume` needs one to exist.
    func prepareRunDirectory(defaultName: String) throws(CLIFailure) -> (directory: String, checkpoint: String) {
        let runDirectory = out ?? "runs/\(defaultName)"
        let checkpointPath = runDirectory + "/checkpoint.caew"
        try RunDirectory.create(runDirectory)
        let hasCheckpoint = FileSystem.exists(checkpointPath)
        if hasCheckpoint && !resume && !force {
            throw CLIFailure(
                .cannotCreateOutput, path: checkpointPath, "a checkpoint exists: pass --resume to continue or --force")
        }
        if resume && !hasCheckpoint {
            throw CLIFailure(.missingInput, path: checkpointPath, "no checkpoint to resume from")
        }
        return (runDirectory, checkpointPath)
    }
}
