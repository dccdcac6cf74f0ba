import ArgumentParser
import CaecCore
import CaecImageIO
import CaecModel
import CaecTensor
import CaecTrain

/// `caec train photos`: rate-distortion training on random crops of photographs (or, with --codec-eval, the codec
/// tables of a trained run and its real bytes).
struct TrainPhotosCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "photos",
        abstract:
            "Train a photo rate-distortion model (bmshj-f-vr, bmshj-hp-vr, bmshj-hp-vr-n128) or evaluate its codec.",
        discussion: """
            Writes, in --out (default runs/<model>): <model>.caew, checkpoint.caew every --checkpoint-minutes, \
            loss.csv and heldout.csv (bpp and PSNR of every quality on held-out photos). With --codec-eval DIR: \
            <model>-codec.caew (the weights with their codec tables) and codec-eval.csv (real bytes and PSNR of \
            every PNG of DIR at every quality, through the codec users run).
            """
    )

    @OptionGroup var run: TrainRunOptions
    @OptionGroup var photo: PhotoOptions

    func validate() throws {
        guard PhotoModel(run.model) != nil else {
            throw ValidationError("\(run.model) is not a rate-distortion model: use `caec train cifar`")
        }
        if photo.initFrom != nil && run.resume { throw ValidationError("--init-from and --resume exclude each other") }
        if photo.learningRateScales == nil { throw ValidationError("--lr-scale takes PREFIX=FACTOR,... (FACTOR > 0)") }
    }

    func execute() throws(CLIFailure) { try PhotoTraining(run: run, photo: photo).execute() }
}

/// One photo training run: the CLI's side of `PhotoTrainingRun` (files, logs, progress, exit codes).
struct PhotoTraining {
    let run: TrainRunOptions
    let photo: PhotoOptions

    func execute() throws(CLIFailure) {
        KeepFreedMemory.apply()
        if let directory = photo.codecEval { return try CodecEvaluationRun(run: run).execute(directory: directory) }
        guard let photos = photo.photos else {
            throw CLIFailure(.usage, path: nil, "\(run.model) trains on photographs: pass --photos DIR")
        }
        typealias Budget = RateDistortionTrainingConfiguration.Budget
        guard let budget = photo.steps.map(Budget.steps) ?? photo.minutes.map({ Budget.seconds($0 * 60) }) else {
            throw CLIFailure(.usage, path: nil, "pass --minutes M or --steps S for \(run.model)")
        }
        var training: PhotoTrainingRun
        do throws(TrainingRunError) { training = try PhotoTrainingRun(options(budget)) } catch {
            throw CLIFailure(.usage, path: nil, error.description)
        }
        training.commandLine = commandLine(training.configuration, photos: photos)
        let (runDirectory, checkpointPath) = try run.prepareRunDirectory()
        let images = try loadPhotos(photos)
        let start = try self.start(checkpointPath: checkpointPath)
        warmUpBLAS()
        let model = training.model
        var logs = try RateDistortionLogs(
            directory: runDirectory, qualities: model.qualities, resume: run.resume, taskTerm: false)
        var progress = ProgressLine(interval: 30)
        var failure: CLIFailure?
        let result: TrainedWeights
        do throws(TrainingRunError) {
            result = try training.run(photos: images, from: start, clock: Clock.seconds) { event in
                switch event {
                case .training(let event): logs.record(event, model: model.id, progress: &progress)
                case .checkpoint(let checkpoint):
                    if failure == nil { failure = saveCheckpoint(checkpoint.file, to: checkpointPath, logs: &logs) }
                }
            }
        } catch {
            throw trainingFailure(error, photos: photos, start: start, logs: &logs, directory: runDirectory)
        }
        if let failure { throw failure }
        let weightsPath = runDirectory + "/\(model.id).caew"
        try SafeOutput(path: weightsPath, force: true).write(result.file.serialized(), inputs: [])
        progress.finish("caec: wrote \(weightsPath) after \(result.steps) steps")
    }

    func options(_ budget: RateDistortionTrainingConfiguration.Budget) -> PhotoTrainingOptions {
        var options = PhotoTrainingOptions(modelID: run.model, budget: budget)
        options.batchSize = run.batch
        options.learningRate = run.lr
        options.cropSide = photo.crop
        options.seed = run.seed
        options.checkpointSeconds = photo.checkpointMinutes * 60
        options.frozenPrefixes = photo.freeze.map { $0.split(separator: ",").map(String.init) } ?? []
        options.learningRateScales = photo.learningRateScales ?? []
        return options
    }

    /// The photos listed in `photos`/MANIFEST.tsv (first column, after a header row), sorted by name.
    func loadPhotos(_ photos: String) throws(CLIFailure) -> [RGBImage] {
        let manifest = String(decoding: try FileInput.read(photos + "/MANIFEST.tsv"), as: UTF8.self)
        let names = manifest.split(separator: "\n").dropFirst().compactMap { $0.split(separator: "\t").first }
            .map(String.init).sorted()
        guard names.count > PhotoTrainingRun.heldOutPhotos else {
            throw CLIFailure(.badInput, path: photos, "needs more than \(PhotoTrainingRun.heldOutPhotos) photos")
        }
        var images: [RGBImage] = []
        for name in names { images.append(try FileInput.readImage(photos + "/" + name)) }
        return images
    }

    /// Fresh, from `--init-from`, or from the checkpoint with `--resume`.
    func start(checkpointPath: String) throws(CLIFailure) -> PhotoTrainingRun.Start {
        if let initFrom = photo.initFrom {
            let file = try FileInput.readWeights(initFrom)
            printError("caec: \(run.model) starts from \(initFrom)")
            return .initialised(from: file)
        }
        guard run.resume else { return .fresh }
        let file = try FileInput.readWeights(checkpointPath)
        let seconds = file.metadata("train_seconds_elapsed").flatMap(Double.init) ?? 0
        printError(
            "caec: resuming \(run.model) at step \(file.metadata("checkpoint_step") ?? "?") "
                + "(\(formatDuration(seconds)) trained)")
        return .resumed(from: file)
    }

    /// The exit code and file of a run that stopped; after a divergence the logs up to it are flushed first.
    func trainingFailure(
        _ error: TrainingRunError, photos: String, start: PhotoTrainingRun.Start, logs: inout RateDistortionLogs,
        directory: String
    ) -> CLIFailure {
        switch error {
        case .unknownModel: return CLIFailure(.usage, path: nil, error.description)
        case .tooFewPhotos: return CLIFailure(.badInput, path: photos, error.description)
        case .badInitialWeights: return CLIFailure(.model, path: photo.initFrom, error.description)
        case .badCheckpoint: return CLIFailure(.model, path: run.directory + "/checkpoint.caew", error.description)
        case .badClassifier: return CLIFailure(.model, path: nil, error.description)
        case .diverged:
            do throws(CLIFailure) { try logs.flush() } catch { return error }
            return CLIFailure(.internalError, path: directory, error.description)
        }
    }

    /// `trained_by`: the command line that runs this again (in caec 0.1's spelling, which still works).
    func commandLine(_ configuration: RateDistortionTrainingConfiguration, photos: String) -> String {
        let budget = photo.steps.map { "--steps \($0)" } ?? "--minutes \(photo.minutes!)"
        return "caec train --model \(run.model) --photos \(photos) \(budget) --batch \(configuration.batchSize) "
            + "--crop \(photo.crop) --lr \(configuration.learningRate) --seed \(run.seed)"
            + (photo.initFrom.map { " --init-from \($0)" } ?? "") + (photo.freeze.map { " --freeze \($0)" } ?? "")
            + (photo.lrScale.map { " --lr-scale \($0)" } ?? "")
    }
}
