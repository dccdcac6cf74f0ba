import ArgumentParser
import CaecModel
import CaecTensor
import CaecTrain

/// `caec bench`: speed figures. Without a subcommand, `caec bench machine` (kernels, models, codec).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure kernel, model, codec and training speed on this machine.",
        subcommands: [BenchMachineCommand.self, BenchTrainingCommand.self, BenchProfileCommand.self],
        defaultSubcommand: BenchMachineCommand.self
    )
}

/// `caec bench training` (was `caec train --benchmark`): one training step against the sgemm peak.
struct BenchTrainingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "Time training steps (forward + backward at --batch) against the sgemm peak; train nothing.")

    @Option(help: "Model id (an autoencoder or classifier; see `caec models`).")
    var model: String

    @Option(help: "Batch size (default: the model's recipe).")
    var batch: Int?

    func validate() throws {
        guard TrainingRecipe.objective(for: model) != nil, ModelRegistry.rateDistortion(model) == nil else {
            throw ValidationError(
                "'\(model)' is not a CIFAR-10 model; known: \(ModelRegistry.allIDs.joined(separator: ", "))")
        }
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
    }

    func run() { Self.measure(model: model, batch: batch) }

    static func measure(model: String, batch: Int?) {
        let batchSize = batch ?? TrainingRecipe.configuration(for: model)!.batchSize
        let macs = MultiplyAccumulates.perImage(modelID: model)!
        let report = TrainingBenchmark.run(
            objective: TrainingRecipe.objective(for: model)!, macsPerImage: macs, batchSize: batchSize)
        report.lines.forEach { print($0) }
    }
}

/// `caec bench profile` (was `caec train --model bmshj-f-vr --profile`): where a photo-training step spends its
/// time, by wall and by CPU time.
struct BenchProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile", abstract: "Print where a photo-training step spends its time.")

    @Option(help: "Rate-distortion model id.")
    var model: String = "bmshj-f-vr"

    @Option(help: "Crops per step.")
    var batch: Int?

    @Option(help: "Crop side.")
    var crop: Int = 64

    func validate() throws {
        guard ModelRegistry.rateDistortion(model) != nil else {
            throw ValidationError("'\(model)' is not a rate-distortion model")
        }
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
    }

    func run() { Self.measure(model: model, batch: batch, crop: crop) }

    static func measure(model id: String, batch: Int?, crop: Int) {
        KeepFreedMemory.apply()
        warmUpBLAS()
        let model = ModelRegistry.rateDistortion(id)!
        print(BLASBackend.current.summary)
        for (name, clock) in [("wall", Clock.seconds), ("CPU (both workers)", Clock.processCPUSeconds)] {
            let report = RateDistortionProfile.run(
                model: model, batchSize: batch ?? 16, side: crop, repetitions: 5, clock: clock)
            report.lines(clock: name).forEach { print($0) }
        }
    }
}
