import CaecModel
import CaecTensor

/// Safetensors interchange files (Spec/safetensors.md) into caec weights files with the codec's own integer
/// tables: CompressAI checkpoints converted by `scripts/compressai/convert_checkpoint.py`, and caec's own models
/// exported by `ModelExport` (and perhaps fine-tuned in PyTorch since).
package enum ModelImport {
    /// One interchange file and the name errors give it.
    package struct Source {
        package var path: String
        package var file: SafeTensors

        package init(path: String, file: SafeTensors) {
            self.path = path
            self.file = file
        }

        /// Parses `bytes` read from `path`.
        ///
        /// - Throws: `.malformed`, or `.badModel` for a non-finite value (a well-formed file, unusable).
        package init(path: String, bytes: [UInt8]) throws(InterchangeError) {
            do { file = try SafeTensors(parsing: bytes) } catch {
                if case .nonFiniteValue = error { throw InterchangeError(.badModel, path: path, error.description) }
                throw InterchangeError(.malformed, path: path, error.description)
            }
            self.path = path
        }
    }

    /// CompressAI checkpoints of `family`, one per quality in the order given, as one weights file (model id =
    /// the family's name, `CompressAIArchitecture`): GDN stored as caec stores it, densities and quantiles as they
    /// are, and the `codec.*` tables built by `CompressAITables`.
    ///
    /// Widths N and M come from `g_a.0.weight` (N, 3, 5, 5) and `g_a.6.weight` (M, N, 5, 5), the density's filters
    /// from `entropy_bottleneck.matrices.k`; each checkpoint's metadata, where present (`arch`, `N`, `M`,
    /// `density_filters`), must agree, and every checkpoint must have the first one's widths.
    ///
    /// - Throws: `.badModel` naming the checkpoint and the problem (another architecture, a missing, extra or
    ///   reshaped tensor, widths that differ, more than 63 checkpoints).
    package static func compressAI(_ sources: [Source], family: CompressAIArchitecture.Family) throws(InterchangeError)
        -> WeightsFile
    {
        precondition(!sources.isEmpty, "ModelImport.compressAI: no checkpoint")
        guard sources.count <= CompressAIArchitecture.maxQualities else {
            throw InterchangeError(
                .badModel, path: sources[CompressAIArchitecture.maxQualities].path,
                "more than \(CompressAIArchitecture.maxQualities) checkpoints (one per quality)")
        }
        var shapes: [CompressAIArchitecture] = []
        for source in sources {
            let shape = try architecture(of: source, family: family)
            if let first = shapes.first, first != shape {
                throw InterchangeError(
                    .badModel, path: source.path,
                    "widths N \(shape.n), M \(shape.m), density filters \(shape.filters) differ from the first "
                        + "checkpoint's (N \(first.n), M \(first.m), density filters \(first.filters))")
            }
            shapes.append(shape)
        }
        let architecture = CompressAIArchitecture(
            family: family, n: shapes[0].n, m: shapes[0].m, filters: shapes[0].filters, qualities: sources.count)
        let network = architecture.network(path: .portable)
        var parameters = Parameters(specs: network.parameterSpecs, seed: 0)
        let single = CompressAIArchitecture(
            family: family, n: architecture.n, m: architecture.m, filters: architecture.filters)
        let prefix = CompressAIArchitecture.prefix(quality: 1)
        let specs = single.network().parameterSpecs.map { spec in
            ParameterSpec(
                String(spec.name.dropFirst(prefix.count)), kind: spec.kind, shape: spec.shape,
                initializer: spec.initializer)
        }
        var metadata = architecture.metadata + [("source", "compressai")]
        for (index, source) in sources.enumerated() {
            let loaded: Parameters
            do {
                loaded = try Parameters(
                    loading: source.file, specs: specs,
                    ignoring: family == .hyperprior ? ["gaussian_conditional.scale_table"] : [])
            } catch { throw InterchangeError(.badModel, path: source.path, error.description) }
            let qualityPrefix = CompressAIArchitecture.prefix(quality: index + 1)
            for spec in specs { parameters.set(qualityPrefix + spec.name, loaded.tensor(spec.name)) }
            for key in ["lambda", "quality"] {
                if let value = source.file.metadata[key] { metadata.append(("q\(index + 1).\(key)", value)) }
            }
        }
        if let (name, index) = parameters.firstNonFinite() {
            // GDN's conversion of a huge effective value can overflow binary32.
            throw InterchangeError(.badModel, path: nil, "tensor '\(name)' is not finite at element \(index)")
        }
        if let (quality, channel) = CompressAITables.firstDegenerateDensity(network: network, parameters: parameters) {
            throw InterchangeError(
                .badModel, path: sources[quality - 1].path,
                "the entropy bottleneck's density of channel \(channel) is not finite where it is sampled "
                    + "(its parameters overflow)")
        }
        var file = parameters.weightsFile(modelID: architecture.family.rawValue, metadata: metadata)
        let codec = CompressAITables.codecTensors(network: network, parameters: parameters)
        try checkFinite(codec, path: nil)
        file.tensors += codec.tensors
        return file
    }

    /// The architecture one checkpoint declares by its tensors' shapes, checked against its metadata.
    static func architecture(of source: Source, family: CompressAIArchitecture.Family) throws(InterchangeError)
        -> CompressAIArchitecture
    {
        let file = source.file
        func fail(_ reason: String) -> InterchangeError { InterchangeError(.badModel, path: source.path, reason) }
        if let arch = file.metadata["arch"], arch != family.rawValue {
            throw fail("holds a '\(arch)' model, not \(family.rawValue) (see --arch)")
        }
        func shape(_ name: String, rank: Int) throws(InterchangeError) -> [Int] {
            guard let entry = file.tensor(name) else { throw fail("lacks tensor '\(name)'") }
            guard entry.shape.count == rank, entry.shape.allSatisfy({ $0 > 0 }) else {
                throw fail("tensor '\(name)' has shape \(entry.shape), not of rank \(rank)")
            }
            return entry.shape
        }
        let first = try shape("g_a.0.weight", rank: 4)
        let last = try shape("g_a.6.weight", rank: 4)
        let (n, m) = (first[0], last[0])
        _ = try shape("entropy_bottleneck.matrices.0", rank: 4)
        var filters: [Int] = []
        var k = 0
        while file.tensor("entropy_bottleneck.matrices.\(k + 1)") != nil {
            let matrix = try shape("entropy_bottleneck.matrices.\(k)", rank: 4)
            filters.append(matrix[2])
            k += 1
        }
        guard CompressAIArchitecture.validWidths(n: n, m: m, filters: filters, qualities: 1) else {
            throw fail(
                "widths N \(n), M \(m), density filters \(filters) are outside what caec imports "
                    + "(N, M 1...\(CompressAIArchitecture.maxWidth), 1...\(CompressAIArchitecture.maxFilters) filters)")
        }
        let declared: [(key: String, value: String)] = [
            ("N", "\(n)"), ("M", "\(m)"), ("density_filters", filters.map(String.init).joined(separator: ",")),
        ]
        for (key, value) in declared {
            if let stated = file.metadata[key], stated != value {
                throw fail("metadata says \(key) = \(stated), but the tensors have \(value)")
            }
        }
        return CompressAIArchitecture(family: family, n: n, m: m, filters: filters)
    }

    /// An interchange file of caec's own families written by `ModelExport`: the variable-rate ones (`bmshj-f-vr`,
    /// `bmshj-hp-vr`) with the codec tables rebuilt as training builds them, the autoencoders with their carried
    /// tables and the classifiers (`cifarModel`); the weights-file metadata the file carries (`caew.<key>`) is
    /// restored.
    ///
    /// - Throws: `.badModel` when the file's `arch` is not one of these, its tensors are not the model's key table
    ///   exactly, or an autoencoder's codec tables are malformed.
    package static func caecModel(_ source: Source) throws(InterchangeError) -> WeightsFile {
        let id = source.file.metadata["arch"] ?? "(none)"
        if let file = try cifarModel(source, id: id) { return file }
        let parameters: Parameters
        let codec: CodecTensors
        do {
            if let model = ModelRegistry.rateDistortion(id) {
                parameters = try Parameters(loading: source.file, specs: model.parameterSpecs)
                try checkDensities(model.bottleneck, qualities: model.qualities, parameters, source: source)
                codec = RateDistortionTables.codecTensors(model: model, parameters: parameters)
            } else if let model = ModelRegistry.hyperprior(id) {
                parameters = try Parameters(loading: source.file, specs: model.parameterSpecs)
                try checkDensities(model.bottleneck, qualities: model.qualities, parameters, source: source)
                codec = HyperpriorTables.codecTensors(model: model, parameters: parameters)
            } else {
                throw InterchangeError(
                    .badModel, path: source.path,
                    "metadata arch '\(id)' is not a caec model (\(ModelRegistry.allIDs)); "
                        + "CompressAI checkpoints import with `caec import compressai --arch`")
            }
        } catch let error as InterchangeError {
            throw error
        } catch { throw InterchangeError(.badModel, path: source.path, "\(error)") }
        if let (name, index) = parameters.firstNonFinite() {
            throw InterchangeError(.badModel, path: source.path, "tensor '\(name)' is not finite at element \(index)")
        }
        try checkFinite(codec, path: source.path)
        var file = parameters.weightsFile(modelID: id, metadata: try carriedMetadata(source))
        file.tensors += codec.tensors
        return file
    }

    /// Refuses densities that overflow where the tables sample them (finite parameters can still do so).
    static func checkDensities(
        _ bottleneck: EntropyBottleneck, qualities: Int, _ parameters: Parameters, source: Source
    ) throws(InterchangeError) {
        for quality in 0..<qualities {
            if let channel = RateDistortionTables.firstDegenerateChannel(
                bottleneck: bottleneck, parameters: parameters, quality: quality)
            {
                throw InterchangeError(
                    .badModel, path: source.path,
                    "the entropy bottleneck's density of quality \(quality + 1), channel \(channel) is not finite "
                        + "where it is sampled (its parameters overflow)")
            }
        }
    }

    /// Refuses codec tensors holding a non-finite value (a quantisation step 1 / gain of a gain that is 0 or
    /// subnormal): the codec would refuse the file.
    static func checkFinite(_ codec: CodecTensors, path: String?) throws(InterchangeError) {
        for tensor in codec.tensors {
            guard case .float32(let values) = tensor.storage, let index = values.firstIndex(where: { !$0.isFinite })
            else { continue }
            throw InterchangeError(
                .badModel, path: path,
                "codec tensor '\(tensor.name)' is not finite at element \(index) (a gain of 0 or too small?)")
        }
    }

    /// `source` = `safetensors`, then the weights-file metadata `ModelExport` carried as `caew.<key>` entries (sorted
    /// by key; a carried `source` is dropped, the file now comes from safetensors).
    ///
    /// - Throws: `.badModel` for an entry a `.caew` file cannot hold (key empty or over 255 bytes, value over 65,535
    ///   bytes, more than 65,535 entries).
    static func carriedMetadata(_ source: Source) throws(InterchangeError) -> [(key: String, value: String)] {
        var metadata: [(key: String, value: String)] = [("source", "safetensors")]
        for (key, value) in source.file.metadata.sorted(by: { $0.key < $1.key }) {
            guard key.hasPrefix(ModelExport.carriedPrefix) else { continue }
            let carried = String(key.dropFirst(ModelExport.carriedPrefix.count))
            guard carried != "source" else { continue }
            guard (1...255).contains(carried.utf8.count), value.utf8.count <= Int(UInt16.max) else {
                throw InterchangeError(
                    .badModel, path: source.path,
                    "metadata '\(key)' does not fit a .caew file (key 1...255 bytes, value at most 65,535)")
            }
            metadata.append((carried, value))
        }
        guard metadata.count <= Int(UInt16.max) else {
            throw InterchangeError(.badModel, path: source.path, "more than 65,535 carried metadata entries")
        }
        return metadata
    }
}
