import CaecCore
import CaecModel
import CaecTensor

/// Where a rate-distortion training step spends its time: forward and backward of each layer kind, measured on
/// one seeded batch (after a warm-up step), with the MACs of the convolutions for a GFLOP/s figure.
package enum RateDistortionProfile {
    /// Rows of a table: kind, forward ms, backward ms, share of the step, GFLOP/s (convolutions).
    package static func run(
        model: RateDistortionModel, batchSize: Int, side: Int, repetitions: Int, clock: () -> Double
    ) -> [String] {
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
        var rows = [
            "sgemm 1024^3, one thread: \(format(2 * 1024 * 1024 * 1024 / best / 1e9)) GFLOP/s",
            "kind           forward ms  backward ms  share   GFLOP/s (fwd+bwd = 3x fwd MACs x 2)",
        ]
        for key in order {
            let f = forwardTime[key, default: 0] / n
            let b = backwardTime[key, default: 0] / n
            let seconds: Double = f + b
            var flops = ""
            if let count = macs[key] { flops = format(3 * 2 * count / n / max(seconds, 1e-9) / 1e9) }
            let share: Double = seconds / (total / n) * 100
            let name = key + String(repeating: " ", count: max(0, 14 - key.count))
            rows.append(name + "  " + format(f * 1000) + "  " + format(b * 1000) + "  " + format(share) + "%  " + flops)
        }
        rows.append("step total     \(format(total / n * 1000)) ms, \(format(n / total)) steps/s")
        return rows
    }

    private static func format(_ value: Double) -> String {
        let text = NumberFormat.fixed(value, 1)
        return String(repeating: " ", count: max(0, 9 - text.count)) + text
    }
}
