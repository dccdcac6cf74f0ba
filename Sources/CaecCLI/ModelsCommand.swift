import ArgumentParser
import Caec
import CaecModel

/// `caec models`: the registered models and their shipped weights, then the imported CompressAI models present in
/// the models folder (`caec import compressai` writes them as `<arch>.caew`).
struct ModelsCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models caec knows, with their rates, qualities and weights files.",
        discussion: """
            Registered models are listed whether or not their weights are present ("missing"); imported CompressAI \
            models (kind compressai, `caec import compressai`) only when their weights file is in the models \
            folder, with the widths N and M their checkpoints have. Qualities marked "continuous" take any value \
            between the trained ones (`--model-quality 4.5`, `-q`, `--target-size`); the others take integers.
            The last line names the model `caec encode` uses without `--model`.
            """
    )

    @OptionGroup var modelsOption: ModelsOption

    func execute() throws(CLIFailure) {
        let store = modelsOption.store
        print("models folder: \(store.directory)")
        if !POSIX.isDirectory(store.directory) {
            printWarning(path: store.directory, "no such folder: every model below is missing (see --models)")
        }
        print(
            "id".padding(Self.idWidth) + "kind            rate  params   " + "qualities".padding(Self.qualitiesWidth)
                + "weights")
        for id in ModelRegistry.allIDs {
            let specs = ModelRegistry.parameterSpecs(id)!
            let parameters = specs.filter { $0.kind == .parameter }.reduce(0) { $0 + $1.count }
            let path = store.path(id)
            var kind = "classifier"
            var rate = "-"
            var qualities = "-"
            if let autoencoder = ModelRegistry.autoencoder(id) {
                kind = "autoencoder"
                rate = "\(autoencoder.rate)"
            } else if let model = ModelRegistry.rateDistortion(id) {
                kind = "rate-distortion"
                rate = "\(model.rate)"
            } else if ModelRegistry.hyperprior(id) != nil {
                kind = "hyperprior"
                rate = "16"
            }
            var weights = "missing"
            if FileSystem.exists(path) {
                let bytes = try FileInput.read(path)
                weights = "\(path) (\(bytes.count / 1024) KiB)"
                if kind != "classifier" {
                    if let codec = try? CaecCodec(weights: bytes) {
                        qualities = Self.qualities(codec)
                    } else {
                        qualities = "uncalibrated"
                    }
                }
            }
            print(
                id.padding(Self.idWidth) + kind.padding(16) + rate.padding(6) + "\(parameters)".padding(9)
                    + qualities.padding(Self.qualitiesWidth) + weights)
        }
        for id in ModelRegistry.compressAIIDs {
            let path = store.path(id)
            guard FileSystem.exists(path) else { continue }
            print(try Self.importedRow(id: id, path: path))
        }
        print(
            "default model (caec encode without --model): \(EncodeCommand.defaultModel) "
                + "(\(EncodeCommand.smallImageModel) for images under 96x96 pixels)")
    }

    /// The qualities column: `1-8`, or `1-8 continuous` for a model with a continuous quality scale.
    static func qualities(_ codec: CaecCodec) -> String {
        let range = "\(codec.qualities.lowerBound)-\(codec.qualities.upperBound)"
        return codec.continuousQualities ? range + " continuous" : range
    }

    /// The qualities column fits `1-8 continuous`.
    static let qualitiesWidth = 16

    /// The id column fits the longest id, `bmshj2018-hyperprior`.
    static let idWidth = 21

    /// The line of an imported CompressAI model: id, kind `compressai`, rate 16, parameters (all qualities),
    /// qualities, then the file with its size and widths; a file that does not load says why instead.
    static func importedRow(id: String, path: String) throws(CLIFailure) -> String {
        let bytes = try FileInput.read(path)
        let start = id.padding(idWidth) + "compressai".padding(16) + "16".padding(6)
        let weights = "\(path) (\(bytes.count / 1024) KiB)"
        let architecture: CompressAIArchitecture
        do {
            let file = try WeightsFile(parsing: bytes)
            guard file.modelID == id,
                let found = try CompressAIArchitecture.reading(id: id, metadata: file.metadata(_:))
            else {
                throw WeightsError.wrongModel(expected: id, found: file.modelID)
            }
            architecture = found
        } catch {
            return start + "-".padding(9) + "-".padding(qualitiesWidth) + weights + ", unreadable: \(error)"
        }
        let parameters = architecture.network().parameterSpecs.filter { $0.kind == .parameter }.reduce(0) {
            $0 + $1.count
        }
        let qualities: String
        do {
            qualities = Self.qualities(try CaecCodec(weights: bytes))
        } catch {
            qualities = "unusable"
        }
        return start + "\(parameters)".padding(9) + qualities.padding(qualitiesWidth) + weights
            + ", N \(architecture.n), M \(architecture.m)"
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
