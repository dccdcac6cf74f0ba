import CaecModel
import CaecTensor

/// caec's CIFAR-10 families in the interchange layout (Spec/safetensors.md §4.2): the paper's autoencoders
/// (`cae-r2` ... `cae-r16`) with their calibrated codec tables carried as they are, and the classifiers (`lenet5`,
/// `resnet9-cifar`, `airbench-cifar`) with their BatchNorm running statistics.
extension ModelExport {
    /// Metadata key giving a CIFAR family's kind: `autoencoder` or `classifier`.
    package static let familyKey = "family"
    /// Metadata key saying whether an autoencoder's codec tables travel: `carried` or `none` (not calibrated).
    package static let codecTablesKey = "codec_tables"

    /// The interchange file of an autoencoder or classifier, or nil when `file` is of another family.
    ///
    /// Tensors: the model's key table in its order (Conv2D weights (OC, IC, KH, KW), Linear weights (out, in),
    /// BatchNorm `weight`, `bias`, `running_mean`, `running_var` (C)), then for a calibrated autoencoder its
    /// `codec.*` tensors in the weights file's order, `codec.q<q>.tables` bytes written as F32 integers 0 ... 255
    /// (safetensors readers here take floating-point dtypes only; binary32 holds every byte exactly).
    ///
    /// - Throws: `.badModel` when `file` does not match the model's key table or its codec tensors are malformed.
    static func cifarSafeTensors(_ file: WeightsFile, metadata base: [String: String]) throws(InterchangeError)
        -> SafeTensors?
    {
        var metadata = base.filter { ["format", "format_version", "source"].contains($0.key) }
        metadata["arch"] = file.modelID
        for entry in file.metadata where entry.key != "source" { metadata[carriedPrefix + entry.key] = entry.value }
        if let model = ModelRegistry.autoencoder(file.modelID) {
            let parameters = try load(file, specs: model.parameterSpecs)
            metadata[familyKey] = "autoencoder"
            metadata["channels"] = model.channels.map(String.init).joined(separator: ",")
            guard file.tensors.contains(where: { CodecTensors.isCodecTensor($0.name) }) else {
                metadata[codecTablesKey] = "none"
                metadata["qualities"] = "0"
                return parameters.safeTensors(metadata: metadata)
            }
            let codec: CodecTensors
            do {
                codec = try CodecTensors(
                    reading: file, channels: model.latentChannels, maxQualities: CompressAIArchitecture.maxQualities)
            } catch { throw InterchangeError(.badModel, path: nil, error.description) }
            metadata[codecTablesKey] = "carried"
            metadata["qualities"] = "\(codec.qualities.count)"
            var result = parameters.safeTensors(metadata: metadata)
            for tensor in codec.tensors {
                let values: [Float] =
                    switch tensor.storage {
                    case .float32(let values): values
                    case .uint8(let bytes): bytes.map(Float.init)
                    case .int32(let integers): integers.map(Float.init)
                    }
                result.tensors.append(SafeTensors.Entry(name: tensor.name, shape: tensor.shape, values: values))
            }
            return result
        }
        if let classifier = ModelRegistry.classifier(file.modelID) {
            let parameters = try load(file, specs: classifier.parameterSpecs)
            metadata[familyKey] = "classifier"
            metadata["test_time_flip"] = classifier.testTimeFlip ? "true" : "false"
            if let epsilon = batchNormEpsilon(classifier.network) {
                metadata["batchnorm_epsilon"] = "\(epsilon)"  // Swift prints 1e-05 and 1e-12 as PyTorch does
            }
            return parameters.safeTensors(metadata: metadata)
        }
        return nil
    }

    /// The epsilon of the first batch normalisation in `network` (every classifier uses one value throughout); nil
    /// without batch normalisation.
    static func batchNormEpsilon(_ network: Sequential) -> Float? {
        for layer in network.layers {
            if let norm = layer as? BatchNorm2D { return norm.epsilon }
            if let residual = layer as? Residual, let epsilon = batchNormEpsilon(residual.body) { return epsilon }
        }
        return nil
    }
}
