import CaecEntropy
import CaecModel
import CaecTensor

/// Interchange files of caec's CIFAR-10 families (Spec/safetensors.md §4.2), written by `ModelExport` and perhaps
/// fine-tuned in PyTorch since (`scripts/compressai/caec_models.py`).
extension ModelImport {
    /// The weights file of an autoencoder or classifier interchange file, or nil when its `arch` is neither.
    ///
    /// Parameters and buffers are the model's key table exactly; an autoencoder's `codec.*` tensors, when present,
    /// are taken as they are (steps and scales as binary32, table bytes from F32 integers 0 ... 255) and must form
    /// a ladder the codec accepts: `codec.scale` and one step per latent channel for qualities 1, 2, ... without
    /// gaps, each quality's bytes exactly `channels` frequency tables that parse. They are not recalibrated:
    /// weights fine-tuned since keep their old ladder until `caec calibrate` rebuilds it. Tensors come out in the
    /// key table's order followed by the codec tensors (scale, then each quality's step and tables), the order
    /// `caec calibrate` writes, so that export then import gives back the same tensor bytes (same fingerprint).
    ///
    /// - Throws: `.badModel` naming the file: a missing, extra or reshaped tensor, a table byte that is not an
    ///   integer 0 ... 255, a ladder the codec would refuse, a negative BatchNorm running variance.
    static func cifarModel(_ source: Source, id: String) throws(InterchangeError) -> WeightsFile? {
        func fail(_ reason: String) -> InterchangeError { InterchangeError(.badModel, path: source.path, reason) }
        let specs: [ParameterSpec]
        let latentChannels: Int?
        if let model = ModelRegistry.autoencoder(id) {
            (specs, latentChannels) = (model.parameterSpecs, model.latentChannels)
        } else if let classifier = ModelRegistry.classifier(id) {
            (specs, latentChannels) = (classifier.parameterSpecs, nil)
        } else {
            return nil
        }
        let codecEntries = source.file.tensors.filter { CodecTensors.isCodecTensor($0.name) }
        let parameters: Parameters
        do {
            parameters = try Parameters(
                loading: source.file, specs: specs,
                ignoring: latentChannels == nil ? [] : Set(codecEntries.map(\.name)))
        } catch { throw fail(error.description) }
        for spec in specs where spec.name.hasSuffix(".running_var") {
            if let index = parameters.tensor(spec.name).data.firstIndex(where: { $0 < 0 }) {
                throw fail("tensor '\(spec.name)' is negative at element \(index) (a variance)")
            }
        }
        var file = parameters.weightsFile(modelID: id, metadata: try carriedMetadata(source))
        if let channels = latentChannels, !codecEntries.isEmpty {
            let codec = try codecTensors(codecEntries, channels: channels, modelID: id, source: source)
            file.tensors += codec.tensors
        }
        return file
    }

    /// The codec tensors of an autoencoder's interchange file, checked as the codec checks them and with every
    /// table parsed.
    static func codecTensors(_ entries: [SafeTensors.Entry], channels: Int, modelID: String, source: Source)
        throws(InterchangeError) -> CodecTensors
    {
        func fail(_ reason: String) -> InterchangeError { InterchangeError(.badModel, path: source.path, reason) }
        var tensors: [NamedTensor] = []
        for entry in entries {
            guard entry.shape.count == 1 else {
                throw fail("codec tensor '\(entry.name)' has shape \(entry.shape), not of rank 1")
            }
            if entry.name.hasSuffix(".tables") {
                guard let index = entry.values.firstIndex(where: { $0 != $0.rounded() || !(0...255).contains($0) })
                else {
                    tensors.append(
                        NamedTensor(
                            name: entry.name, kind: .buffer, shape: entry.shape,
                            storage: .uint8(entry.values.map { UInt8($0) })))
                    continue
                }
                throw fail("codec tensor '\(entry.name)' element \(index) is not a byte (an integer 0...255)")
            }
            tensors.append(
                NamedTensor(name: entry.name, kind: .buffer, shape: entry.shape, storage: .float32(entry.values)))
        }
        let codec: CodecTensors
        do {
            codec = try CodecTensors(
                reading: WeightsFile(modelID: modelID, tensors: tensors), channels: channels,
                maxQualities: CompressAIArchitecture.maxQualities)
        } catch { throw fail(error.description) }
        for (index, quality) in codec.qualities.enumerated() {
            var rest = quality.tables[...]
            do {
                for _ in 0..<channels {
                    let (_, used) = try FrequencyTable.parsePrefix(of: rest)
                    rest = rest.dropFirst(used)
                }
            } catch { throw fail("codec quality \(index + 1) tables: \(error.description)") }
            guard rest.isEmpty else { throw fail("codec quality \(index + 1) has bytes after its \(channels) tables") }
        }
        return codec
    }
}
