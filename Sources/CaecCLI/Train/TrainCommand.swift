import ArgumentParser
import CaecModel
import CaecTrain

/// `caec train`: one subcommand per kind of training, as swift-argument-parser's `math` example nests its commands.
///
/// The single-command spelling of caec 0.1 (`caec train --model ID ...`, `--photos`, `--codec-eval`, `--profile`,
/// `--benchmark`) is still accepted for this release by the hidden default subcommand `LegacyTrainCommand`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model: autoencoders and classifiers on CIFAR-10, rate-distortion models on photos.",
        discussion: """
            `caec train --model ID ...` (one command, caec 0.1) still works and picks the subcommand from the \
            model and flags; it will be removed in the next release. `--profile` and `--benchmark` moved to \
            `caec bench profile` and `caec bench training`.
            """,
        subcommands: [TrainCIFARCommand.self, TrainPhotosCommand.self, LegacyTrainCommand.self],
        defaultSubcommand: LegacyTrainCommand.self
    )
}

/// Options every training run has: the model, its seed, hyper-parameters, and the run folder.
struct TrainRunOptions: ParsableArguments {
    @Option(help: "Model id (see `caec models`).")
    var model: String

    @Option(help: "Batch size (default: the model's recipe).")
    var batch: Int?

    @Option(help: "Base learning rate (default: the model's recipe).")
    var lr: Float?

    @Option(help: "Seed for initialisation, shuffling and augmentation.")
    var seed: UInt64 = 1

    @Option(help: "Run folder for weights, checkpoint and logs (default: runs/<model>).")
    var out: String?

    @Flag(help: "Continue from <out>/checkpoint.caew.")
    var resume = false

    @Flag(help: "Start over even if <out> has a checkpoint (overwrites it).")
    var force = false

    func validate() throws {
        guard TrainingRecipe.configuration(for: model) != nil else {
            throw ValidationError("unknown model '\(model)'; known: \(ModelRegistry.allIDs.joined(separator: ", "))")
        }
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
        if let lr, !(lr > 0) { throw ValidationError("--lr must be positive") }
    }

    /// The run folder (`--out`, default `runs/<model>`).
    var directory: String { out ?? "runs/\(model)" }

    /// Creates the run folder and checks its checkpoint against `--resume` and `--force`: an existing checkpoint
    /// needs one of them, and `--resume` needs one to exist.
    func prepareRunDirectory() throws(CLIFailure) -> (directory: String, checkpoint: String) {
        let checkpointPath = directory + "/checkpoint.caew"
        try RunDirectory.create(directory)
        let hasCheckpoint = FileSystem.exists(checkpointPath)
        if hasCheckpoint && !resume && !force {
            throw CLIFailure(
                .cannotCreateOutput, path: checkpointPath, "a checkpoint exists: pass --resume to continue or --force")
        }
        if resume && !hasCheckpoint {
            throw CLIFailure(.missingInput, path: checkpointPath, "no checkpoint to resume from")
        }
        return (directory, checkpointPath)
    }
}

/// Options of CIFAR-10 training.
struct CIFAROptions: ParsableArguments {
    @Option(help: "Epochs (default: the model's recipe).")
    var epochs: Int?

    @Option(help: "CIFAR-10 folder (default: $CAEC_DATA, else ../shared/data/cifar-10-batches-bin).")
    var data: String?

    @Option(help: "Train on only the first N training images (for quick trials).")
    var limit: Int?

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }
}

/// Options of photo (rate-distortion) training.
struct PhotoOptions: ParsableArguments {
    @Option(help: "Photo folder with MANIFEST.tsv.")
    var photos: String?

    @Option(help: "Training time in minutes (lr / 10 for the last 20%).")
    var minutes: Double?

    @Option(help: "Training steps (instead of --minutes).")
    var steps: Int?

    @Option(help: "Crop side for photo training.")
    var crop: Int = 64

    @Option(help: "Minutes of training between checkpoints and held-out evaluations.")
    var checkpointMinutes: Double = 5

    @Option(
        help: ArgumentHelp(
            "Comma-separated key prefixes whose parameters stay fixed (e.g. g_a.,g_s.,gain. to train only a "
                + "hyperprior's hyper transforms).", valueName: "prefixes"))
    var freeze: String?

    @Option(
        help: ArgumentHelp(
            "Comma-separated PREFIX=FACTOR: multiply the learning rate of the parameters under PREFIX (e.g. "
                + "entropy_bottleneck.=10 for a fresh density).", valueName: "scales"))
    var lrScale: String?

    /// `--lr-scale` parsed, or nil if malformed.
    var learningRateScales: [(prefix: String, factor: Float)]? {
        guard let lrScale else { return [] }
        var scales: [(prefix: String, factor: Float)] = []
        for item in lrScale.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let factor = Float(String(parts[1])), factor > 0, factor.isFinite else {
                return nil
            }
            scales.append((String(parts[0]), factor))
        }
        return scales
    }

    @Option(help: "Build the codec tables of a trained run and measure real bytes on DIR's PNGs.")
    var codecEval: String?

    @Option(
        name: .customLong("init-from"),
        help: ArgumentHelp(
            "Start from trained weights of the same model (fresh optimiser, step 0).",
            discussion:
                "The file's qualities may have other lambdas (its `lambdas` metadata): each quality starts from the "
                + "one with the nearest lambda, its gains and density rescaled (Spec/models.md)."))
    var initFrom: String?
}

/// `caec train --model ID ...`, the one-command spelling of caec 0.1, kept for one release: it dispatches to
/// `caec train cifar`, `caec train photos`, `caec bench training` or `caec bench profile`.
struct LegacyTrainCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "legacy", abstract: "caec 0.1's `caec train --model ID ...` (deprecated).", shouldDisplay: false)

    @OptionGroup var run: TrainRunOptions
    @OptionGroup var cifar: CIFAROptions
    @OptionGroup var photo: PhotoOptions

    @Flag(help: "Deprecated: `caec bench profile`.")
    var profile = false

    @Flag(help: "Deprecated: `caec bench training`.")
    var benchmark = false

    var isPhotoModel: Bool { PhotoModel(run.model) != nil }

    func validate() throws {
        if photo.initFrom != nil && run.resume { throw ValidationError("--init-from and --resume exclude each other") }
        if photo.initFrom != nil && !isPhotoModel {
            throw ValidationError("--init-from applies to photo (rate-distortion) training only")
        }
        if profile && ModelRegistry.rateDistortion(run.model) == nil && isPhotoModel {
            throw ValidationError("--profile measures bmshj-f-vr only")
        }
    }

    func execute() throws(CLIFailure) {
        if isPhotoModel {
            if profile && photo.codecEval == nil {
                return BenchProfileCommand.measure(model: run.model, batch: run.batch, crop: photo.crop)
            }
            return try PhotoTraining(run: run, photo: photo).execute()
        }
        if benchmark { return BenchTrainingCommand.measure(model: run.model, batch: run.batch) }
        try CIFARTraining(run: run, cifar: cifar).execute()
    }
}

/// The CSV logs of a training run, flushed with every checkpoint.
protocol TrainingLogFiles {
    mutating func flush() throws(CLIFailure)
}

/// Writes checkpoint `file` to `path` and flushes `logs`; returns what failed, if anything.
func saveCheckpoint<Logs: TrainingLogFiles>(_ file: WeightsFile, to path: String, logs: inout Logs) -> CLIFailure? {
    do throws(CLIFailure) {
        try SafeOutput(path: path, force: true).write(file.serialized(), inputs: [])
        try logs.flush()
    } catch {
        return error
    }
    return nil
}
