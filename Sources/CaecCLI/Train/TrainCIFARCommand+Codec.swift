import ArgumentParser
import CaecCore
import CaecModel
import CaecTensor
import CaecTrain

/// Options of a task-aware codec run (`caec train cifar --model cifar-task-vr`).
struct TaskCodecOptions: ParsableArguments {
    @Option(help: "Training classifier of the task term (never a judge).")
    var classifier: String = ModelRegistry.taskClassifierID

    @Option(
        help: ArgumentHelp(
            "Its weights (default: <models folder>/<classifier>.caew).", valueName: "file"))
    var classifierWeights: String?

    @Option(
        help: ArgumentHelp(
            "Weight of the task term beside the MSE: loss = bpp + lambda 255^2 (MSE + beta KL); 0 trains without "
                + "the classifier."))
    var beta: Float = 0.01

    @Option(
        name: .customLong("init-from"),
        help: ArgumentHelp(
            "Start from trained weights of a rate-distortion model of the same widths (Models/bmshj-f-vr.caew), "
                + "its qualities moved to this model's lambdas, instead of random weights.", valueName: "file"))
    var initFrom: String?

    @Option(help: "Codec training time in minutes (lr / 10 for the last 20%).")
    var minutes: Double?

    @Option(help: "Codec training steps (instead of --minutes).")
    var steps: Int?

    @Option(help: "Minutes of codec training between checkpoints and held-out evaluations.")
    var checkpointMinutes: Double = 5

    @Option(
        help: ArgumentHelp(
            "Build the codec tables of the trained run (<out>/<model>-codec.caew) and measure real bytes on DIR's "
                + "PNGs, instead of training.", valueName: "dir"))
    var codecEval: String?

    @OptionGroup var modelsOption: ModelsOption

    func validate() throws {
        if !(beta >= 0 && beta.isFinite) { throw ValidationError("--beta must be a finite number >= 0") }
        if let minutes, !(minutes > 0) { throw ValidationError("--minutes must be positive") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        if !(checkpointMinutes > 0) { throw ValidationError("--checkpoint-minutes must be positive") }
        if ModelRegistry.classifier(classifier) == nil {
            throw ValidationError("unknown classifier '\(classifier)' (known: \(ModelRegistry.classifierIDs))")
        }
    }
}

/// One task-aware codec run: the CLI's side of `CIFARCodecTrainingRun` (files, logs, progress, exit codes).
struct CIFARCodecTraining {
    let run: TrainRunOptions
    let cifar: CIFAROptions
    let task: TaskCodecOptions

    func execute() throws(CLIFailure) {
        KeepFreedMemory.apply()
        if let directory = task.codecEval {
            var evaluation = CodecEvaluationRun(run: run)
            evaluation.recordedFigures = { parameters throws(CLIFailure) in try testFigures(parameters) }
            return try evaluation.execute(directory: directory)
        }
        typealias Budget = RateDistortionTrainingConfiguration.Budget
        guard let budget = task.steps.map(Budget.steps) ?? task.minutes.map({ Budget.seconds($0 * 60) }) else {
            throw CLIFailure(.usage, path: nil, "pass --minutes M or --steps S for \(run.model)")
        }
        var options = CIFARCodecTrainingOptions(
            modelID: run.model, budget: budget, classifierID: task.classifier, beta: task.beta)
        options.batchSize = run.batch
        options.learningRate = run.lr
        options.seed = run.seed
        options.checkpointSeconds = task.checkpointMinutes * 60
        var training: CIFARCodecTrainingRun
        do throws(TrainingRunError) { training = try CIFARCodecTrainingRun(options) } catch {
            throw CLIFailure(.usage, path: nil, error.description)
        }
        let classifierPath = task.classifierWeights ?? task.modelsOption.directory + "/\(task.classifier).caew"
        let classifierFile = task.beta > 0 ? try FileInput.readWeights(classifierPath) : nil
        let configuration = training.configuration
        let budgetText = task.steps.map { "--steps \($0)" } ?? "--minutes \(task.minutes!)"
        training.commandLine =
            "caec train cifar --model \(run.model) --classifier \(task.classifier) --beta \(task.beta) \(budgetText) "
            + "--batch \(configuration.batchSize) --lr \(configuration.learningRate) --seed \(run.seed)"
            + (cifar.limit.map { " --limit \($0)" } ?? "")
            + (task.initFrom.map { " --init-from \($0)" } ?? "")
        let (runDirectory, checkpointPath) = try run.prepareRunDirectory()
        var data = try DataLocator.loadCIFAR(
            try DataLocator.cifarDirectory(cifar.data), files: CIFAR10.trainingFiles)
        if let limit = cifar.limit { data = data.prefix(limit) }
        var start = PhotoTrainingRun.Start.fresh
        if run.resume {
            let file = try FileInput.readWeights(checkpointPath)
            printError("caec: resuming \(run.model) at step \(file.metadata("checkpoint_step") ?? "?")")
            start = .resumed(from: file)
        } else if let initFrom = task.initFrom {
            let file = try FileInput.readWeights(initFrom)
            printError("caec: \(run.model) starts from \(initFrom) (\(file.modelID))")
            training.initialisedFrom =
                "\(file.modelID) (\(initFrom.split(separator: "/").last.map(String.init) ?? initFrom))"
            start = .initialised(from: file)
        }
        warmUpBLAS()
        var logs = try RateDistortionLogs(
            directory: runDirectory, qualities: training.model.qualities, resume: run.resume, taskTerm: true)
        var progress = ProgressLine(interval: 30)
        var failure: CLIFailure?
        let result: TrainedWeights
        do throws(TrainingRunError) {
            result = try training.run(
                training: data, classifierFile: classifierFile, start: start, clock: Clock.seconds
            ) { event in
                switch event {
                case .training(let event): logs.record(event, model: run.model, progress: &progress)
                case .checkpoint(let checkpoint):
                    if failure == nil { failure = saveCheckpoint(checkpoint.file, to: checkpointPath, logs: &logs) }
                }
            }
        } catch {
            switch error {
            case .badClassifier: throw CLIFailure(.model, path: classifierPath, error.description)
            case .badCheckpoint: throw CLIFailure(.model, path: checkpointPath, error.description)
            case .tooFewPhotos: throw CLIFailure(.badInput, path: cifar.data, error.description)
            case .badInitialWeights: throw CLIFailure(.model, path: task.initFrom, error.description)
            case .unknownModel: throw CLIFailure(.usage, path: nil, error.description)
            case .diverged:
                try logs.flush()
                throw CLIFailure(.internalError, path: runDirectory, error.description)
            }
        }
        if let failure { throw failure }
        let weightsPath = runDirectory + "/\(run.model).caew"
        try SafeOutput(path: weightsPath, force: true).write(result.file.serialized(), inputs: [])
        progress.finish("caec: wrote \(weightsPath) after \(result.steps) steps")
    }
}

extension CIFARCodecTraining {
    /// Images of the test set whose figures the shipped weights record, and the judge that measures agreement.
    static let figureImages = 1000
    static let figureJudge = "resnet9-cifar"

    /// `TaskCodecFigures` of the trained `parameters` on the first 1,000 CIFAR-10 test images (from `--data`),
    /// judged by `resnet9-cifar` of the models folder, printed and returned as metadata entries.
    func testFigures(_ parameters: Parameters) throws(CLIFailure) -> [(key: String, value: String)] {
        guard let model = ModelRegistry.rateDistortion(run.model),
            let judge = ModelRegistry.classifier(Self.figureJudge)
        else { throw CLIFailure(.usage, path: nil, "\(run.model) is not a task-aware codec") }
        let test = try DataLocator.loadCIFAR(try DataLocator.cifarDirectory(cifar.data), files: [CIFAR10.testFile])
        let judgePath = task.modelsOption.directory + "/\(Self.figureJudge).caew"
        let judgeFile = try FileInput.readWeights(judgePath)
        let judgeParameters: Parameters
        do throws(WeightsError) {
            judgeParameters = try Parameters(
                loading: judgeFile, modelID: Self.figureJudge, specs: ModelRegistry.parameterSpecs(Self.figureJudge)!)
        } catch {
            throw CLIFailure(.model, path: judgePath, error.description)
        }
        let count = min(Self.figureImages, test.count)
        let rows = TaskCodecFigures.measure(
            model: model, parameters, judge: judge, judgeParameters, images: test, count: count)
        print("quality  bpp (estimated)  mean PSNR  agreement with \(Self.figureJudge)  (first \(count) test images)")
        for row in rows {
            print(
                "q\(row.quality)       \(NumberFormat.fixed(row.bpp, 4))           \(NumberFormat.fixed(row.psnr, 3)) dB  "
                    + (row.agreement.map { "\(NumberFormat.fixed(100 * $0, 1))%" } ?? "-"))
        }
        return TaskCodecFigures.metadata(rows, count: count, judgeID: Self.figureJudge)
    }
}
