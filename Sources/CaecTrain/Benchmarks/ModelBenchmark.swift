import CaecCore
import CaecModel
import CaecTensor

/// Speed of whole models and of each of their layers (`caec bench`), measured in the same run as the sgemm peak
/// that `TensorBenchmark` reports.
package enum ModelBenchmark {
    /// For autoencoder `id` at `batch` 32x32 images: each layer's forward time, and for convolutions its
    /// multiply-adds and GFLOP/s (and share of `peak` GFLOP/s when given); then images/s of the whole forward and of
    /// forward + backward (one training step without the optimiser).
    package static func autoencoder(_ id: String, batch: Int = 64, repetitions: Int = 3, peak: Double? = nil)
        -> [String]
    {
        guard let model = ModelRegistry.autoencoder(id) else { return ["unknown autoencoder \(id)"] }
        var parameters = Parameters(specs: model.parameterSpecs, seed: 1)
        var x = Tensor(shape: [batch, 3, 32, 32], repeating: 0)
        var generator = SplitMix64Float(seed: 5)
        for i in 0..<x.count { x.data[i] = generator.next() }
        var lines = ["\(id) at batch \(batch), per layer (forward, fast path):"]
        var activation = x
        var convolutionSeconds = 0.0
        var convolutionFlops = 0.0
        for layer in model.encoder.layers + model.decoder.layers {
            let input = activation
            let seconds = best(of: repetitions) { activation = layer.forward(input, parameters) }
            var line =
                "  " + describe(layer, input: input.shape, output: activation.shape)
                + ": \(NumberFormat.fixed(seconds * 1e3, 2)) ms"
            if let conv = layer as? Conv2D {
                let (_, _, h, w) = activation.nchw
                let macs = Double(batch * conv.outChannels * conv.inChannels * 9 * h * w)
                let rate = 2 * macs / seconds / 1e9
                convolutionSeconds += seconds
                convolutionFlops += 2 * macs
                line += ", \(Int(macs)) MACs, \(NumberFormat.fixed(rate, 1)) GFLOP/s"
                if let peak { line += " (\(NumberFormat.fixed(rate / peak * 100, 0))% of sgemm)" }
            }
            lines.append(line)
        }
        lines.append(
            "  all convolutions: \(NumberFormat.fixed(convolutionFlops / convolutionSeconds / 1e9, 1)) GFLOP/s")
        let forward = best(of: repetitions) { _ = model.reconstruct(x, parameters) }
        lines.append("\(id) forward: \(NumberFormat.fixed(Double(batch) / forward, 0)) images/s")
        let objective = ReconstructionObjective(model)
        let step = best(of: repetitions) {
            var gradients = [Float](repeating: 0, count: parameters.count)
            _ = objective.lossAndGradients(x, labels: [], parameters: &parameters, gradients: &gradients)
        }
        lines.append("\(id) forward + backward: \(NumberFormat.fixed(Double(batch) / step, 0)) images/s")
        return lines
    }

    private static func describe(_ layer: any Layer, input: [Int], output: [Int]) -> String {
        let name: String
        switch layer {
        case let conv as Conv2D: name = "\(conv.key) conv3x3 \(conv.inChannels)->\(conv.outChannels)"
        case is ReLU: name = "relu"
        case is MaxPool: name = "maxpool"
        case is UpsampleNearest: name = "upsample"
        case is Sigmoid: name = "sigmoid"
        default: name = "\(type(of: layer))"
        }
        return "\(name) \(input.dropFirst().map(String.init).joined(separator: "x"))"
            + " -> \(output.dropFirst().map(String.init).joined(separator: "x"))"
    }

    package static func best(of repetitions: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var bestSeconds = Double.infinity
        for _ in 0..<max(1, repetitions) {
            let elapsed = clock.measure(body)
            bestSeconds = min(
                bestSeconds, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return bestSeconds
    }
}

private struct SplitMix64Float {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> Float { generator.uniform(0, 1) }
}
