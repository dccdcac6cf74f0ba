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
        abstract: "Train a rate-distortion model (bmshj-f-vr, bmshj-hp-vr) on photographs, or evaluate its codec.",
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

/// One photo training run.
struct PhotoTraining {
    /// Photos held out of training for the evaluation curves: this many, evenly spaced in the manifest's order.
    static let heldOutPhotos = 8

    let run: TrainRunOptions
    let photo: PhotoOptions

    var model: PhotoModel { PhotoModel(run.model)! }

    func execute() throws(CLIFailure) {
        KeepFreedMemory.apply()
        if let directory = photo.codecEval { return try CodecEvaluationRun(run: run).execute(directory: directory) }
        guard let photos = photo.photos else {
            throw CLIFailure(.usage, path: nil, "\(model.id) trains on photographs: pass --photos DIR")
        }
        if photo.steps == nil && photo.minutes == nil {
            throw CLIFailure(.usage, path: nil, "pass --minutes M or --steps S for \(model.id)")
        }
        let model = self.model
        let configuration = self.configuration()
        let (runDirectory, checkpointPath) = try run.prepareRunDirectory()
        let (data, heldOut) = try loadPhotos(photos)
        warmUpBLAS()
        let trainer = RateDistortionTrainer(objective: model.objective, configuration: configuration)
        let (state, seconds) = try initialState(trainer, checkpointPath: checkpointPath)
        let settings = self.settings(configuration, photos: photos, trainingImages: data.count)
        var logs = try PhotoTrainingLogs(directory: runDirectory, qualities: model.qualities, resume: run.resume)
        var progress = ProgressLine(interval: 30)
        var failure: CLIFailure?
        let outcome: Result<(state: TrainingState, seconds: Double), TrainingError> = Result {
            () throws(TrainingError) in
            try trainer.run(
                from: state, seconds: seconds, data: data, heldOut: heldOut, clock: Clock.seconds,
                report: { logs.record($0, model: model.id, progress: &progress) },
                checkpoint: { state, seconds in
                    guard failure == nil else { return }
                    failure = saveCheckpoint(
                        state, modelID: model.id, metadata: settings + [("train_seconds_elapsed", "\(seconds)")],
                        to: checkpointPath, logs: &logs)
                })
        }
        if let failure { throw failure }
        let result = try finished(outcome, logs: &logs, directory: runDirectory)
        var metadata = settings
        metadata.append(("train_seconds", NumberFormat.fixed(result.seconds, 1)))
        metadata.append(("steps", "\(result.state.step)"))
        let weights = result.state.parameters.weightsFile(modelID: model.id, metadata: metadata)
        let weightsPath = runDirectory + "/\(model.id).caew"
        try SafeOutput(path: weightsPath, force: true).write(weights.serialized(), inputs: [])
        progress.finish("caec: wrote \(weightsPath) after \(result.state.step) steps")
    }

    func configuration() -> RateDistortionTrainingConfiguration {
        var configuration = RateDistortionTrainingConfiguration(
            budget: photo.steps.map { .steps($0) } ?? .seconds(photo.minutes! * 60))
        if let batch = run.batch { configuration.batchSize = batch }
        if let lr = run.lr { configuration.learningRate = lr }
        configuration.finalLearningRate = configuration.learningRate / 10
        configuration.cropSide = photo.crop
        configuration.seed = run.seed
        configuration.checkpointSeconds = photo.checkpointMinutes * 60
        configuration.frozenPrefixes = photo.freeze.map { $0.split(separator: ",").map(String.init) } ?? []
        configuration.learningRateScales = photo.learningRateScales ?? []
        return configuration
    }

    /// The training crops and the held-out centre crops of the photos listed in `photos`/MANIFEST.tsv (first
    /// column, after a header row), sorted by name.
    func loadPhotos(_ photos: String) throws(CLIFailure) -> (data: PhotoCropDataset, heldOut: [Tensor]) {
        let manifest = String(decoding: try FileInput.read(photos + "/MANIFEST.tsv"), as: UTF8.self)
        let names = manifest.split(separator: "\n").dropFirst().compactMap { $0.split(separator: "\t").first }
            .map(String.init).sorted()
        guard names.count > Self.heldOutPhotos else {
            throw CLIFailure(.badInput, path: photos, "needs more than \(Self.heldOutPhotos) photos")
        }
        let heldOutIndices = Set((0..<Self.heldOutPhotos).map { $0 * names.count / Self.heldOutPhotos })
        var training: [RGBImage] = []
        var heldOut: [RGBImage] = []
        for (index, name) in names.enumerated() {
            let path = photos + "/" + name
            let image: RGBImage
            do { image = try ImageReader.read(try FileInput.read(path)) } catch let error as CLIFailure {
                throw error
            } catch {
                throw CLIFailure(.badInput, path: path, "\(error)")
            }
            if heldOutIndices.contains(index) { heldOut.append(image) } else { training.append(image) }
        }
        let evaluation = PhotoCropDataset(heldOut)
        let heldOutTensors = (0..<evaluation.count).map {
            evaluation.centerCrop($0, multiple: RateDistortionModel.rate)
        }
        return (PhotoCropDataset(training), heldOutTensors)
    }

    /// Fresh, from `--init-from`, or from the checkpoint with `--resume`; and the seconds already trained.
    func initialState(_ trainer: RateDistortionTrainer, checkpointPath: String) throws(CLIFailure)
        -> (state: TrainingState, seconds: Double)
    {
        var state = trainer.initialState()
        var seconds = 0.0
        if let initFrom = photo.initFrom {
            let bytes = try FileInput.read(initFrom)
            do {
                state.parameters = try model.parameters(
                    initialisingFrom: try WeightsFile(parsing: bytes), seed: run.seed)
            } catch {
                throw CLIFailure(.model, path: initFrom, error.description)
            }
            printError("caec: \(model.id) starts from \(initFrom)")
        }
        if run.resume {
            let bytes = try FileInput.read(checkpointPath)
            do {
                let file = try WeightsFile(parsing: bytes)
                state = try Checkpoint.restore(file, into: state, modelID: model.id, specs: model.parameterSpecs)
                seconds = file.metadata("train_seconds_elapsed").flatMap(Double.init) ?? 0
            } catch {
                throw CLIFailure(.model, path: checkpointPath, error.description)
            }
            printError("caec: resuming \(model.id) at step \(state.step) (\(formatDuration(seconds)) trained)")
        }
        return (state, seconds)
    }

    func settings(_ configuration: RateDistortionTrainingConfiguration, photos: String, trainingImages: Int)
        -> [(key: String, value: String)]
    {
        let budget = photo.steps.map { "--steps \($0)" } ?? "--minutes \(photo.minutes!)"
        let commandLine =
            "caec train --model \(model.id) --photos \(photos) \(budget) --batch \(configuration.batchSize) "
            + "--crop \(photo.crop) --lr \(configuration.learningRate) --seed \(run.seed)"
            + (photo.initFrom.map { " --init-from \($0)" } ?? "") + (photo.freeze.map { " --freeze \($0)" } ?? "")
            + (photo.lrScale.map { " --lr-scale \($0)" } ?? "")
        let lambdas = model.lambdas.map { "\($0)" }.joined(separator: " ")
        return [
            ("trained_by", commandLine), ("batch", "\(configuration.batchSize)"), ("crop", "\(photo.crop)"),
            ("lr", "\(configuration.learningRate)"), ("seed", "\(run.seed)"), ("optimizer", "adam"),
            ("lambdas", lambdas), ("training_images", "\(trainingImages)"),
        ]
    }
}

/// loss.csv and heldout.csv of a photo run, and the progress line.
struct PhotoTrainingLogs: TrainingLogFiles {
    var loss: CSVLog
    var heldOut: CSVLog

    init(directory: String, qualities: Int, resume: Bool) throws(CLIFailure) {
        loss = try CSVLog(
            path: directory + "/loss.csv", header: "step,seconds,loss,bpp,mse,psnr,lr,grad_norm,steps_per_second",
            append: resume)
        let header = (1...qualities).map { "bpp_q\($0),psnr_q\($0)" }.joined(separator: ",")
        heldOut = try CSVLog(path: directory + "/heldout.csv", header: "step,seconds," + header, append: resume)
    }

    mutating func flush() throws(CLIFailure) {
        try loss.flush()
        try heldOut.flush()
    }

    mutating func record(_ event: RateDistortionEvent, model: String, progress: inout ProgressLine) {
        switch event {
        case .progress(let step, let seconds, let figures, let rate, let norm, let speed):
            let psnr = PSNR.decibels(mse: max(Double(figures.mse), 1e-12), peak: 1)
            loss.append(
                "\(step),\(NumberFormat.fixed(seconds, 1)),\(figures.loss),\(figures.bpp),\(figures.mse),"
                    + "\(NumberFormat.fixed(psnr, 3)),\(rate),\(norm),\(NumberFormat.fixed(speed, 3))")
            progress.update(
                "\(model) step \(step) \(formatDuration(seconds))  loss \(NumberFormat.fixed(Double(figures.loss), 4))  "
                    + "bpp \(NumberFormat.fixed(Double(figures.bpp), 3))  PSNR \(NumberFormat.fixed(psnr, 2))  lr \(rate)  "
                    + "\(NumberFormat.fixed(speed, 2)) steps/s")
        case .evaluation(let step, let seconds, let qualities):
            heldOut.append(
                "\(step),\(NumberFormat.fixed(seconds, 1)),"
                    + qualities.map { "\(NumberFormat.fixed($0.bpp, 4)),\(NumberFormat.fixed($0.psnr, 3))" }.joined(
                        separator: ","))
            progress.finish(
                "\(model) step \(step) held-out: "
                    + qualities.map { "\(NumberFormat.fixed($0.bpp, 3)) bpp \(NumberFormat.fixed($0.psnr, 2)) dB" }
                    .joined(separator: " | "))
        }
    }
}

/// A training step allocates and frees the same few MB-sized buffers (activations, im2col columns, gradient
/// partials) thousands of times; by default glibc hands them back to the kernel and faults them in again, which
/// measured 12% of a step's CPU time in system time and about 20% of its total CPU time. These settings (glibc's
/// `mallopt`, also reachable as `MALLOC_MMAP_THRESHOLD_` / `MALLOC_TRIM_THRESHOLD_` / `MALLOC_TOP_PAD_`) keep freed
/// memory in the process. `<malloc.h>` is not in the Glibc module, hence the declaration by symbol name.
enum KeepFreedMemory {
    #if os(Linux)
        @_silgen_name("mallopt")
        private static func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
    #endif

    static func apply() {
        #if os(Linux)
            let (trimThreshold, topPad, mmapThreshold): (Int32, Int32, Int32) = (-1, -2, -3)  // <malloc.h> M_*
            _ = mallopt(mmapThreshold, 256 << 20)
            _ = mallopt(trimThreshold, 1 << 30)
            _ = mallopt(topPad, 64 << 20)
        #endif
    }
}
