import ArgumentParser
import CaecModel
import CaecTrain

/// `caec export`: a caec model as a safetensors interchange file (Spec/safetensors.md §4).
struct ExportCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a caec model's weights as safetensors, for PyTorch (scripts/compressai/caec_models.py).",
        discussion: """
            MODEL is a model id (its weights are read from the models folder) or a path to a .caew file. Writes \
            the model's key table with GDN effective values and the raw density (Spec/safetensors.md §4): \
            the rate-distortion models (bmshj-f-vr, bmshj-hp-vr, bmshj-hp-vr-n128, cifar-task-vr, cifar-task-vr8; \
            codec tables not written: `caec import safetensors` rebuilds them), cae-r2 ... cae-r16 (calibrated \
            codec tables written as they are) and the classifiers (lenet5, resnet9-cifar, resnet9-cifar-task, \
            airbench-cifar; BatchNorm running statistics included). An imported CompressAI model of several qualities writes one \
            checkpoint, chosen with --quality.
            """
    )

    @Argument(help: "Model id (see `caec models`) or a .caew weights file.")
    var model: String

    @Option(help: "Output format; safetensors is the only one.")
    var format: String = "safetensors"

    @Option(name: .shortAndLong, help: "The .safetensors file to write.")
    var out: String

    @Option(help: "For an imported CompressAI model of several qualities: which checkpoint (1-based).")
    var quality: Int?

    @Option(help: "Models folder (default: $CAEC_MODELS, else Models/ beside the executable or here).")
    var models: String?

    @Flag(help: "Replace the output if it exists.")
    var force = false

    func validate() throws {
        guard format == "safetensors" else { throw ValidationError("--format must be safetensors") }
        if let quality, quality < 1 { throw ValidationError("--quality must be at least 1") }
    }

    func execute() throws(CLIFailure) {
        let path = model.hasSuffix(".caew") || model.contains("/") ? model : ModelStore(option: models).path(model)
        let output = SafeOutput(path: out, force: force)
        try output.checkWritable(inputs: [path])
        let bytes = try FileInput.read(path)
        let file: WeightsFile
        do { file = try WeightsFile(parsing: bytes) } catch { throw CLIFailure(.model, path: path, error.description) }
        let tensors: SafeTensors
        do { tensors = try ModelExport.safeTensors(file, quality: quality) } catch {
            throw CLIFailure(.model, path: path, error.reason)
        }
        try output.write(tensors.serialized(), inputs: [path])
    }
}
