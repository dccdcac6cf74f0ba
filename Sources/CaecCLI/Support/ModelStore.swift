import Caec
import CaecModel

/// Loads shipped model weights by id from the models folder (see `DataLocator.modelsDirectory`).
struct ModelStore {
    let directory: String

    init(option: String?) { directory = DataLocator.modelsDirectory(option) }

    func path(_ id: String) -> String { directory + "/" + id + ".caew" }

    /// The codec for model `id`.
    func codec(_ id: String) throws(CLIFailure) -> CaecCodec {
        let path = path(id)
        guard FileSystem.exists(path) else {
            throw CLIFailure(
                .model, path: path,
                "weights for model '\(id)' not found (see `caec models`; --models DIR or CAEC_MODELS sets the folder)")
        }
        let bytes = try FileInput.read(path)
        do {
            return try CaecCodec(weights: bytes)
        } catch {
            throw CLIFailure(.model, path: path, error.message)
        }
    }

    /// The weights file of model `id`, parsed and checked against the model's key table.
    func weights(_ id: String) throws(CLIFailure) -> (file: WeightsFile, parameters: Parameters) {
        let path = path(id)
        guard FileSystem.exists(path) else {
            throw CLIFailure(.model, path: path, "weights for model '\(id)' not found")
        }
        return try Self.load(path: path, id: id)
    }

    static func load(path: String, id: String) throws(CLIFailure) -> (file: WeightsFile, parameters: Parameters) {
        let bytes = try FileInput.read(path)
        guard let specs = ModelRegistry.parameterSpecs(id) else {
            throw CLIFailure(.usage, path: nil, "unknown model '\(id)'")
        }
        do {
            let file = try WeightsFile(parsing: bytes)
            return (file, try Parameters(loading: file, modelID: id, specs: specs))
        } catch {
            throw CLIFailure(.model, path: path, error.description)
        }
    }
}
