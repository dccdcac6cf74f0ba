import ArgumentParser
import Caec
import CaecCore
import CaecModel
import CaecTensor
import CaecTrain

/// `caec calibrate`: adds the codec's quantisation steps and entropy tables to a trained autoencoder's weights.
struct CalibrateCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Derive a trained autoencoder's quality ladder and entropy tables from CIFAR-10 training latents.",
        discussion: """
            Runs the encoder over the first --images training images, measures each latent channel's standard \
            deviation, and for each quality q sets the step to deviation x multiplier (4, 2, 1, 1/2, ... 1/32 by \
            default) and builds a per-channel integer frequency table from the quantised latents' histogram. \
            Writes a copy of the weights with these `codec.*` tensors (Spec/model-weights.md §7).
            """
    )

    @Option(help: "Model id of an autoencoder (cae-r2, cae-r4, cae-r8, cae-r16).")
    var model: String

    @Option(help: "Trained weights to calibrate (default: runs/<model>/<model>.caew).")
    var weights: String?

    @Option(help: "Where to write the calibrated weights (default: Models/<model>.caew in the models folder).")
    var out: String?

    @Option(help: "Training images used for calibration.")
    var images: Int = 10000

    @Option(help: "CIFAR-10 folder (default: $CAEC_DATA, else ../shared/data/cifar-10-batches-bin).")
    var data: String?

    @OptionGroup var modelsOption: ModelsOption

    @Flag(help: "Replace the output if it exists.")
    var force = false

    func validate() throws {
        guard ModelRegistry.autoencoder(model) != nil else {
            throw ValidationError(
                "'\(model)' is not an autoencoder; known: \(ModelRegistry.autoencoderIDs.joined(separator: ", "))")
        }
        guard images >= 100 else { throw ValidationError("--images must be at least 100") }
    }

    func execute() throws(CLIFailure) {
        let source = weights ?? "runs/\(model)/\(model).caew"
        let destination = out ?? modelsOption.store.path(model)
        let output = SafeOutput(path: destination, force: force)
        try output.checkWritable(inputs: [source])
        let (file, parameters) = try ModelStore.load(path: source, id: model)
        let autoencoder = ModelRegistry.autoencoder(model)!
        let directory = try DataLocator.cifarDirectory(data)
        let training = try DataLocator.loadCIFAR(directory, files: CIFAR10.trainingFiles).prefix(images)
        warmUpBLAS()
        let dataset = ImageDataset(training)
        let codec = Calibration.codecTensors(autoencoder, parameters, on: dataset)
        var calibrated = file.removingCodecTensors()
        calibrated.tensors += codec.tensors
        calibrated.metadata.removeAll { $0.key == "calibrated_by" }
        calibrated.metadata.append(("calibrated_by", "caec calibrate --model \(model) --images \(dataset.count)"))
        try output.write(calibrated.serialized(), inputs: [source])
        printError(
            "caec: wrote \(destination): \(codec.qualities.count) qualities from \(dataset.count) training images")
    }
}
