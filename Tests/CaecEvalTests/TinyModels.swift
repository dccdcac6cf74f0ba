import Caec
import CaecEntropy
import CaecModel

/// Untrained models built in the test, so the evaluation runs without shipped weights.
enum TinyModels {
    /// An untrained `cae-r4` with two codec qualities (steps 0.05 and 0.02, flat tables over -32...32).
    static func codecWeights(seed: UInt64 = 7) -> [UInt8] {
        let autoencoder = ModelRegistry.autoencoder("cae-r4")!
        var file = Parameters(specs: autoencoder.parameterSpecs, seed: seed).weightsFile(modelID: "cae-r4")
        let channels = autoencoder.latentChannels
        file.tensors.append(
            NamedTensor(
                name: "codec.scale", kind: .buffer, shape: [channels],
                storage: .float32(Array(repeating: 1, count: channels))))
        for (quality, step) in [(1, Float(0.05)), (2, Float(0.02))] {
            let table = FrequencyTable.build(histogram: Array(repeating: 1, count: 65), minSymbol: -32)
            let bytes = Array((0..<channels).map { _ in table.serialized() }.joined())
            file.tensors.append(
                NamedTensor(
                    name: "codec.q\(quality).step", kind: .buffer, shape: [channels],
                    storage: .float32(Array(repeating: step, count: channels))))
            file.tensors.append(
                NamedTensor(
                    name: "codec.q\(quality).tables", kind: .buffer, shape: [bytes.count], storage: .uint8(bytes)))
        }
        return file.serialized()
    }

    static func classifier(seed: UInt64 = 3) -> (Classifier, Parameters) {
        let classifier = ModelRegistry.classifier("lenet5")!
        return (classifier, Parameters(specs: classifier.parameterSpecs, seed: seed))
    }
}
