import CaecCore
import CaecModel
import CaecTensor

/// Where a rate-distortion training step spends its time: forward and backward of each layer kind, measured on
/// one seeded batch (after a warm-up step), with the MACs of the convolutions for a GFLOP/s figure.
package enum RateDistortionProfile {
    /// What `run` measured, averaged over the repetitions, in the units of the clock given (seconds of wall or
    /// CPU time).
    package struct Report: Sendable {
        /// One layer kind ("GDN", "IGDN", "g_a.0 conv", "bottleneck", ...), summed over its layers.
        package struct Row: Sendable, Equatable {
            package var kind: String
            package var forwardMilliseconds: Double
            package var backwardMilliseconds: Double
            /// Forward + backward as a percentage of the whole step.
            package var percentOfStep: Double
            /// Convolutions only: `3 x 2 x forward MACs` over forward + backward time, in GFLOP/s.
            package var gflopsPerSecond: Double?
        }
        /// The processor and the OpenBLAS core the figures were measured on.
        package var machine: BLASBackend
        package var modelID: String
        /// Crops per step and their side, in pixels.
        package var batchSize: Int
        package var side: Int
        /// One 1024^3 sgemm on one thread, best of 3, on the same clock.
        package var sgemm: SgemmPeak
        /// In the order the step first ran them.
        package var rows: [Row]
        package var stepMilliseconds: Double
        package var stepsPerSecond: Double
    }

    /// Profiles `repetitions` steps of `model` (after one warm-up step) on `batchSize` seeded crops of `side`,
    /// timing with `clock` (seconds).
    package static func run(
        model: RateDistortionModel, batchSize: Int, side: Int, repetitions: Int, clock: () -> Double
    ) -> Report {
        var parameters = model.initialParameters(seed: 1)
        var generator = SplitMix64(seed: 5)
        var x = Tensor(shape: [batchSize, 3, side, side])
        for i in x.data.indices { x.data[i] = generator.uniform(0, 1) }
        var forwardTime: [String: Double] = [:]
        var backwardTime: [String: Double] = [:]
        var macs: [String: Double] = [:]
        var order: [String] = []
        func kind(_ layer: any Layer) -> String {
            switch layer {
            case let gdn as GDNLayer: gdn.inverse ? "IGDN" : "GDN"
            case let conv as Conv2D: "\(conv.key) conv"
            case let deconv as ConvTranspose2D: "\(deconv.key) deconv"
            default: "other"
            }
        }
        func record(_ key: String, _ table: inout [String: Double], _ seconds: Double) {
            if !order.contains(key) { order.append(key) }
            table[key, default: 0] += seconds
        }
        var total = 0.0
        for repetition in 0...repetitions {
            let measuring = repetition > 0
            let stepStart = clock()
            var gradients = [Float](repeating: 0, count: parameters.count)
            var h = x
            var pullbacks: [(String, Pullback)] = []
            let layers = model.analysis.layers + [nil] + model.synthesis.layers
            var likelihoodPullback: Pullback?
            for layer in layers {
                guard let layer else {
                    let start = clock()
                    let noisy = EntropyBottleneck.addUniformNoise(h, seed: 3)
                    let (likelihoods, pullback) = model.bottleneck.likelihoodsTraining(
                        noisy, qualities: (0..<batchSize).map { $0 % model.qualities }, &parameters)
                    _ = likelihoods
                    likelihoodPullback = pullback
                    if measuring { record("bottleneck", &forwardTime, clock() - start) }
                    h = noisy
                    continue
                }
                let start = clock()
                let (y, pullback) = layer.forwardTraining(h, &parameters)
                let name = kind(layer)
                if measuring {
                    record(name, &forwardTime, clock() - start)
                    if let conv = layer as? Conv2D {
                        macs[name, default: 0] += Double(y.count * conv.inChannels * 25)
                    } else if let deconv = layer as? ConvTranspose2D {
                        macs[name, default: 0] += Double(h.count * deconv.outChannels * 25)
                    }
                }
                pullbacks.append((name, pullback))
                h = y
            }
            var g = h
            for (index, (name, pullback)) in pullbacks.enumerated().reversed() {
                let start = clock()
                g = pullback(g, &gradients)
                if measuring { record(name, &backwardTime, clock() - start) }
                if index == model.analysis.layers.count, let likelihoodPullback {
                    let start = clock()
                    let dLatent = likelihoodPullback(Tensor(shape: g.shape, repeating: -1), &gradients)
                    g.addInPlace(dLatent)
                    if measuring { record("bottleneck", &backwardTime, clock() - start) }
                }
            }
            if measuring { total += clock() - stepStart }
        }
        let n = Double(repetitions)
        // The reference figure, on the same clock: one 1024^3 sgemm on one thread, best of 3.
        let a = Tensor(shape: [1024, 1024], repeating: 0.5)
        var best = Double.infinity
        for _ in 0..<3 {
            let start = clock()
            _ = Tensor.linear(a, weight: a, bias: nil)
            best = min(best, clock() - start)
        }
        let rows = order.map { key in
            let f = forwardTime[key, default: 0] / n
            let b = backwardTime[key, default: 0] / n
            return Report.Row(
                kind: key, forwardMilliseconds: f * 1000, backwardMilliseconds: b * 1000,
                percentOfStep: (f + b) / (total / n) * 100,
                gflopsPerSecond: macs[key].map { 3 * 2 * $0 / n / max(f + b, 1e-9) / 1e9 })
        }
        return Report(
            machine: BLASBackend.current, modelID: model.id, batchSize: batchSize, side: side,
            sgemm: SgemmPeak(
                size: 1024, workers: 1, milliseconds: best * 1e3,
                gflopsPerSecond: SgemmPeak.flops(size: 1024) / best / 1e9,
                gflopsPerCPUSecond: nil),
            rows: rows, stepMilliseconds: total / n * 1000, stepsPerSecond: n / total)
    }
}
