import ArgumentParser
import CaecModel
import CaecTrain

/// `caec import`: safetensors interchange files (Spec/safetensors.md) into a caec weights file.
struct ImportCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn CompressAI checkpoints (or an exported caec model) into a caec weights file.",
        discussion: """
            caec import compressai CKPT.safetensors [CKPT2 ...] --arch bmshj2018-factorized|bmshj2018-hyperprior \
            --out DIR: CompressAI state dicts converted by scripts/compressai/convert_checkpoint.py, one per \
            quality (lowest rate first), of the same widths; writes DIR/<arch>.caew with caec's own integer \
            tables. caec import safetensors FILE --out DIR: a file written by `caec export` (any model it \
            writes: see `caec export --help`), perhaps fine-tuned or trained in PyTorch since \
            (scripts/compressai/train_cifar_task.py). Then: caec encode \
            --models DIR --model <id> ..., caec decode --models DIR .... Exit status 65 for a malformed \
            safetensors file, 78 for a well-formed file that is not a usable model.
            """
    )

    enum Source: String, ExpressibleByArgument, CaseIterable {
        case compressai, safetensors
    }

    @Argument(help: "What the files are: compressai (checkpoints) or safetensors (a `caec export` file).")
    var source: Source

    @Argument(help: "The .safetensors files; for compressai, one per quality, lowest rate first.")
    var files: [String]

    @Option(help: "CompressAI architecture: bmshj2018-factorized or bmshj2018-hyperprior (compressai only).")
    var arch: String?

    @Option(help: "Folder to write <model-id>.caew into (created if missing).")
    var out: String

    @Flag(help: "Replace the weights file if it exists.")
    var force = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one .safetensors file") }
        switch source {
        case .compressai:
            guard let arch else { throw ValidationError("--arch is required with compressai") }
            guard CompressAIArchitecture.Family(rawValue: arch) != nil else {
                throw ValidationError(
                    "unknown architecture '\(arch)' (known: \(ModelRegistry.compressAIIDs.joined(separator: ", ")))")
            }
        case .safetensors:
            guard arch == nil else {
                throw ValidationError("--arch applies to compressai; safetensors files name theirs")
            }
            guard files.count == 1 else { throw ValidationError("safetensors imports one file") }
        }
    }

    func execute() throws(CLIFailure) {
        var sources: [ModelImport.Source] = []
        for path in files {
            let bytes = try FileInput.read(path)
            sources.append(
                try Self.mapping { () throws(InterchangeError) in try ModelImport.Source(path: path, bytes: bytes) })
        }
        let weights = try Self.mapping { () throws(InterchangeError) -> WeightsFile in
            switch source {
            case .compressai:
                try ModelImport.compressAI(sources, family: CompressAIArchitecture.Family(rawValue: arch!)!)
            case .safetensors:
                try ModelImport.caecModel(sources[0])
            }
        }
        if !DataLocator.isDirectory(out) {
            if FileSystem.exists(out) { throw CLIFailure(.cannotCreateOutput, path: out, "is not a directory") }
            try RunDirectory.create(out)
        }
        let destination = (out.hasSuffix("/") ? out : out + "/") + weights.modelID + ".caew"
        try SafeOutput(path: destination, force: force).write(weights.serialized(), inputs: files)
        let qualities = weights.metadata("qualities").map { " with \($0) qualit\($0 == "1" ? "y" : "ies")" } ?? ""
        printError("\(destination): \(weights.modelID)\(qualities)")
    }

    /// Runs `body`, mapping its `InterchangeError` to the CLI's: 65 for a malformed file, 78 for a bad model.
    static func mapping<T>(_ body: () throws(InterchangeError) -> T) throws(CLIFailure) -> T {
        do { return try body() } catch {
            throw CLIFailure(error.kind == .malformed ? .badInput : .model, path: error.path, error.reason)
        }
    }
}
