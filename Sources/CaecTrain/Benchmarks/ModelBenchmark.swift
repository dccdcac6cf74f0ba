import CaecCore
import CaecModel
import CaecTensor

/// Speed of whole models and of each of their layers (`caec bench`), measured in the same run as the sgemm peak
/// that `TensorBenchmark` reports.
package enum ModelBenchmark {
    /// What `autoencoder` measured. Rates count `2 x MACs` floating-point operations per wall second.
    package struct Report: Sendable {
        /// One layer's forward pass (fast path) on the whole batch.
        package struct LayerRun: Sendable, Equatable {
            /// "enc.0 conv3x3 3->16", "relu", "maxpool", "upsample", "sigmoid" or the layer's type name.
            package var name: String
            /// Shapes of one sample, (C, H, W).
            package var inputShape: [Int]
            package var outputShape: [Int]
            package var milliseconds: Double
            /// Convolutions only: multiply-adds over the batch, GFLOP/s, and percentage of the given sgemm peak.
            package var macs: Int?
            package var gflopsPerSecond: Double?
            package var percentOfSgemm: Double?
        }
        /// The processor and the OpenBLAS core the figures were measured on.
        package var machine: BLASBackend
        package var modelID: String
        /// Images of 32x32 per pass.
        package var batch: Int
        package var layers: [LayerRun]
        /// All convolutions' operations over their summed time, in GFLOP/s.
        package var convolutionGFLOPsPerSecond: Double
        /// Images per wall second of the whole forward, and of forward + backward (no optimiser).
        package var forwardImagesPerSecond: Double
        package var trainingStepImagesPerSecond: Double
    }

    /// For autoencoder `id` at `batch` 32x32 images: each layer's forward time, and for convolutions its
    /// multiply-adds and GFLOP/s (and share of `peak` GFLOP/s when given); then images/s of the whole forward and of
    /// forward + backward (one training step without the optimiser). Nil when `id` is not an autoencoder.
    package static func autoencoder(_ id: String, batch: Int = 64, repetitions: Int = 3, peak: Double? = nil)
        -> Report?
    {
        guard let model = ModelRegistry.autoencoder(id) else { return nil }
        var parameters = Parameters(specs: model.parameterSpecs, seed: 1)
        var x = Tensor(shape: [batch, 3, 32, 32], repeating: 0)
        var generator = SplitMix64(seed: 5)
        for i in 0..<x.count { x.data[i] = generator.uniform(0, 1) }
        var layers: [Report.LayerRun] = []
        var activation = x
        var convolutionSeconds = 0.0
        var convolutionFlops = 0.0
        for layer in model.encoder.layers + model.decoder.layers {
            let input = activation
            let seconds = BenchmarkTimer.best(of: repetitions) { activation = layer.forward(input, parameters) }
            var run = Report.LayerRun(
                name: name(of: layer), inputShape: Array(input.shape.dropFirst()),
                outputShape: Array(activation.shape.dropFirst()), milliseconds: seconds * 1e3)
            if let conv = layer as? Conv2D {
                let (_, _, h, w) = activation.nchw
                let macs =
                    batch * conv.outChannels * conv.inChannels * conv.geometry.kernelHeight * conv.geometry.kernelWidth
                    * h * w
                let rate = 2 * Double(macs) / seconds / 1e9
                convolutionSeconds += seconds
                convolutionFlops += 2 * Double(macs)
                run.macs = macs
                run.gflopsPerSecond = rate
                run.percentOfSgemm = peak.map { rate / $0 * 100 }
            }
            layers.append(run)
        }
        let forward = BenchmarkTimer.best(of: repetitions) { _ = model.reconstruct(x, parameters) }
        let objective = ReconstructionObjective(model)
        let step = BenchmarkTimer.best(of: repetitions) {
            var gradients = [Float](repeating: 0, count: parameters.count)
            _ = objective.lossAndGradients(x, labels: [], parameters: &parameters, gradients: &gradients)
        }
        return Report(
            machine: BLASBackend.current, modelID: id, batch: batch, layers: layers,
            convolutionGFLOPsPerSecond: convolutionFlops / convolutionSeconds / 1e9,
            forwardImagesPerSecond: Double(batch) / forward, trainingStepImagesPerSecond: Double(batch) / step)
    }

    private static func name(of layer: any Layer) -> String {
        switch layer {
        case let conv as Conv2D:
            "\(conv.key) conv\(conv.geometry.kernelHeight)x\(conv.geometry.kernelWidth) "
                + "\(conv.inChannels)->\(conv.outChannels)"
        case is ReLU: "relu"
        case is MaxPool: "maxpool"
        case is UpsampleNearest: "upsample"
        case is Sigmoid: "sigmoid"
        default: "\(type(of: layer))"
        }
    }
}
