import CaecModel
import CaecTensor

/// caec weights as a safetensors interchange file (Spec/safetensors.md §4): what `scripts/compressai/caec_models.py`
/// loads (and CompressAI's own models, for an imported CompressAI architecture), to fine-tune in PyTorch and import
/// back with `ModelImport`. The `codec.*` tables are not written where they are derived from the weights (the
/// photo families); an autoencoder's calibrated ones are (`ModelExport+CIFAR`). A caec model's weights-file
/// metadata is written as `caew.<key>` entries (all but `source`).
package enum ModelExport {
    /// The interchange file of weights `file` (checked against its model's key table). For an imported CompressAI
    /// model of several qualities, `quality` (1-based) picks the checkpoint to write; a single-quality model takes
    /// nil or 1. caec's own variable-rate models write every quality (their densities and gains have a quality
    /// axis) and take nil.
    ///
    /// - Throws: `.badModel` for weights of a model that has no interchange layout or that do not match its key
    ///   table; a `quality` outside the model's.
    package static func safeTensors(_ file: WeightsFile, quality: Int? = nil) throws(InterchangeError) -> SafeTensors {
        var metadata = [
            "format": "caec-safetensors", "format_version": "1", "gdn": "effective",
            "entropy_bottleneck": "raw", "source": "caec",
        ]
        if let architecture = try compressAIArchitecture(file) {
            let q = quality ?? 1
            guard (1...architecture.qualities).contains(q), quality != nil || architecture.qualities == 1 else {
                throw InterchangeError(
                    .badModel, path: nil,
                    "\(file.modelID) holds \(architecture.qualities) checkpoints: give --quality 1...\(architecture.qualities)"
                )
            }
            let network = architecture.network()
            let parameters = try load(file, specs: network.parameterSpecs)
            let prefix = CompressAIArchitecture.prefix(quality: q)
            let names = parameters.specs.filter { $0.name.hasPrefix(prefix) }
            var single = Parameters(
                specs: names.map {
                    ParameterSpec(
                        String($0.name.dropFirst(prefix.count)), kind: $0.kind, shape: $0.shape,
                        initializer: $0.initializer)
                }, seed: 0)
            for spec in names { single.set(String(spec.name.dropFirst(prefix.count)), parameters.tensor(spec.name)) }
            metadata["arch"] = architecture.family.rawValue
            metadata["N"] = "\(architecture.n)"
            metadata["M"] = "\(architecture.m)"
            metadata["qualities"] = "1"
            metadata["density_filters"] = architecture.filters.map(String.init).joined(separator: ",")
            for key in ["lambda", "quality"] {
                if let value = file.metadata("q\(q).\(key)") { metadata[key] = value }
            }
            var result = single.safeTensors(metadata: metadata)
            if architecture.family == .hyperprior {
                // caec codes with its own scale table, CompressAI's default; written so CompressAI can load the file.
                metadata["scale_bound"] = "0.11"
                result.metadata = metadata
                result.tensors.append(
                    SafeTensors.Entry(
                        name: "gaussian_conditional.scale_table", shape: [GaussianConditional.scaleTable.count],
                        values: GaussianConditional.scaleTable))
            }
            return result
        }
        guard quality == nil else {
            throw InterchangeError(.badModel, path: nil, "--quality applies to imported CompressAI models only")
        }
        let specs: [ParameterSpec]
        let widths: (n: Int, m: Int, qualities: Int, filters: [Int])
        if let model = ModelRegistry.rateDistortion(file.modelID) {
            (specs, widths) = (model.parameterSpecs, (model.n, model.m, model.qualities, model.bottleneck.filters))
        } else if let model = ModelRegistry.hyperprior(file.modelID) {
            (specs, widths) = (model.parameterSpecs, (model.n, model.m, model.qualities, model.bottleneck.filters))
        } else if let result = try cifarSafeTensors(file, metadata: metadata) {
            return result
        } else {
            throw InterchangeError(
                .badModel, path: nil, "model '\(file.modelID)' has no safetensors interchange layout")
        }
        let parameters = try load(file, specs: specs)
        metadata["arch"] = file.modelID
        metadata["N"] = "\(widths.n)"
        metadata["M"] = "\(widths.m)"
        metadata["qualities"] = "\(widths.qualities)"
        metadata["density_filters"] = widths.filters.map(String.init).joined(separator: ",")
        for entry in file.metadata where entry.key != "source" { metadata[carriedPrefix + entry.key] = entry.value }
        return parameters.safeTensors(metadata: metadata)
    }

    /// The prefix under which a caec model's own weights-file metadata (`trained_by`, `lambdas`...) travels in an
    /// interchange file, so that `ModelImport.caecModel` restores it (Spec/safetensors.md §4). `source` is not
    /// carried: each file says where it came from.
    package static let carriedPrefix = "caew."

    private static func compressAIArchitecture(_ file: WeightsFile) throws(InterchangeError) -> CompressAIArchitecture?
    {
        do { return try CompressAIArchitecture.reading(id: file.modelID, metadata: file.metadata(_:)) } catch {
            throw InterchangeError(.badModel, path: nil, error.description)
        }
    }

    static func load(_ file: WeightsFile, specs: [ParameterSpec]) throws(InterchangeError) -> Parameters {
        do { return try Parameters(loading: file, modelID: file.modelID, specs: specs) } catch {
            throw InterchangeError(.badModel, path: nil, error.description)
        }
    }
}
