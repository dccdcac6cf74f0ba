import Caec
import CaecModel

/// Loads shipped model weights by id from the models folder (see `DataLocator.modelsDirectory`).
struct ModelStore {
    let directory: String

    init(option: String?) { directory = DataLocator.modelsDirectory(option) }

    func path(_ id: String) -> String { (directory.hasSuffix("/") ? directory : directory + "/") + id + ".caew" }

    /// The codec for model `id`, loaded by the library from this folder.
    func codec(_ id: String) throws(CLIFailure) -> CaecCodec {
        let path = path(id)
        do {
            return try CaecCodec(modelID: id, searchPaths: [directory])
        } catch  where error.code == .modelNotFound || error.code == .invalidArgument {
            throw CLIFailure(
                .model, path: path,
                "weights for model '\(id)' not found (see `caec models`; --models DIR or CAEC_MODELS sets the folder)")
        } catch {
            // The library's message starts with the path, which the CLI's line already carries.
            let reason =
                error.message.hasPrefix(path + ": ") ? String(error.message.dropFirst(path.count + 2)) : error.message
            throw CLIFailure(.model, path: path, reason)
        }
    }

    /// The codec whose weights made the file `info` describes (`path`): the model's current weights or superseded
    /// ones kept in `superseded/<model-id>/` (Spec/model-weights.md §8).
    func codec(for info: CaecFileInfo, path input: String) throws(CLIFailure) -> CaecCodec {
        let id = info.modelID ?? "code \(info.modelCode)"
        do {
            return try CaecCodec(decoding: info, searchPaths: [directory])
        } catch  where error.code == .modelMismatch {
            throw CLIFailure(.model, path: input, error.message)
        } catch  where error.code == .invalidModel && !error.message.hasPrefix(path(id)) {
            // A superseded weights file: the message starts with its path.
            throw CLIFailure(.model, path: nil, error.message)
        } catch {
            // A missing or broken current weights file is reported as `codec(_:)` reports it.
            _ = try codec(id)
            throw CLIFailure(.model, path: path(id), error.message)
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
