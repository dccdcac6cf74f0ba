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
            seed, data and settings give the same weights. Copy <model>.caew into Models/ to ship it. \
            A task-aware codec (cifar-task-vr, cifar-task-vr8) trains for --minutes or --steps on all but the last 500 training \
            images with loss = bpp + lambda 255^2 (MSE + beta KL), KL between the --classifier's answers on the \
            original and the reconstruction; heldout.csv has bpp, PSNR, task term and the classifier's agreement \
            per quality on the 500 held-out images, at every checkpoint.
            """
    )

    @OptionGroup var run: TrainRunOptions
    @OptionGroup var cifar: CIFAROptions
    @OptionGroup(title: "Task-aware codecs (cifar-task-vr, cifar-task-vr8)") var task: TaskCodecOptions

    func validate() throws {
        if PhotoModel(run.model) != nil {
            throw ValidationError("\(run.model) trains on photographs: use `caec train photos`")
        }
        if task.initFrom != nil && !ModelRegistry.taskCodecIDs.contains(run.model) {
            throw ValidationError("--init-from applies to the task-aware codecs (\(ModelRegistry.taskCodecIDs))")
        }
        if task.initFrom != nil && run.resume { throw ValidationError("--init-from and --resume exclude each other") }
    }

    func execute() throws(CLIFailure) {
        if ModelRegistry.taskCodecIDs.contains(run.model) {
            return try CIFARCodecTraining(run: run, cifar: cifar, task: task).execute()
        }
        try CIFARTraining(run: run, cifar: cifar).execute()
    }
}

/// One CIFAR-10 training run: the CLI's side of `CIFARTrainingRun` (files, logs, progress, exit codes).
struct CIFARTraining {
    let run: TrainRunOptions
    let cifar: CIFAROptions

    var model: String { run.model }

    func execute() throws(CLIFailure) {
        var options = CIFARTrainingOptions(modelID: model)
        options.epochs = cifar.epochs
        options.batchSize = run.batch
        options.learningRate = run.lr
        options.seed = run.seed
        var training: CIFARTrainingRun
        do throws(TrainingRunError) { training = try CIFARTrainingRun(options) } catch {
            throw CLIFailure(.usage, path: nil, error.description)
        }
        let configuration = training.configuration
        training.commandLine =
            "caec train --model \(model) --epochs \(configuration.epochs) --batch "
            + "\(configuration.batchSize) --lr \(configuration.learningRate) --seed \(run.seed)"
            + (cifar.limit.map { " --limit \($0)" } ?? "")
        let (runDirectory, checkpointPath) = try run.prepareRunDirectory()
        let (trainingData, test) = try loadData()
        let checkpoint = try resumedCheckpoint(checkpointPath)
        warmUpBLAS()
        var logs = try TrainingLogs(directory: runDirectory, resume: run.resume)
        var progress = ProgressLine()
        var failure: CLIFailure?
        let result: CIFARTrainingRun.Result
        do throws(TrainingRunError) {
            result = try training.run(
                training: trainingData, test: test, resumingFrom: checkpoint, clock: Clock.seconds
            ) { event in
                switch event {
                case .training(let event):
                    logs.record(event, model: model, configuration: configuration, progress: &progress)
                case .checkpoint(let checkpoint):
                    if failure == nil { failure = saveCheckpoint(checkpoint.file, to: checkpointPath, logs: &logs) }
                }
            }
        } catch {
            if case .badCheckpoint = error { throw CLIFailure(.model, path: checkpointPath, error.description) }
            try logs.flush()
            throw CLIFailure(.internalError, path: runDirectory, error.description)
        }
        if let failure { throw failure }
        let weightsPath = runDirectory + "/\(model).caew"
        try SafeOutput(path: weightsPath, force: true).write(result.weights.file.serialized(), inputs: [])
        let summary =
            result.quickTestAccuracy.map { "accuracy \(NumberFormat.fixed($0 * 100, 2))%" }
            ?? "MSE \(NumberFormat.fixed(result.quickTestLoss, 5))"
        progress.finish("caec: wrote \(weightsPath): \(summary) on the first 1,000 test images")
    }

    func loadData() throws(CLIFailure) -> (training: CIFAR10.Batch, test: CIFAR10.Batch) {
        let dataDirectory = try DataLocator.cifarDirectory(cifar.data)
        var training = try DataLocator.loadCIFAR(dataDirectory, files: CIFAR10.trainingFiles)
        if let limit = cifar.limit { training = training.prefix(limit) }
        return (training, try DataLocator.loadCIFAR(dataDirectory, files: [CIFAR10.testFile]))
    }

    /// The checkpoint to continue from with `--resume`, else nil.
    func resumedCheckpoint(_ path: String) throws(CLIFailure) -> WeightsFile? {
        guard run.resume else { return nil }
        let file = try FileInput.readWeights(path)
        printError(
            "caec: resuming \(model) after epoch \(file.metadata("checkpoint_epoch") ?? "?") "
                + "(step \(file.metadata("checkpoint_step") ?? "?"))")
        return file
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
