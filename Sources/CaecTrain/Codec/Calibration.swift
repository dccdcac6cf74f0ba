import CaecEntropy
import CaecModel
import CaecTensor

/// Derives a model's operating points from latents of training images (Spec/model-weights.md §7).
///
/// Quality q (1-based) quantises channel c with step `scale[c] * multipliers[q-1]`, where `scale[c]` is the standard
/// deviation of that channel's latents. Each channel's table covers the quantised values between the 1e-5 and
/// 1 - 1e-5 quantiles (at most `maxSymbols` of them) and escapes the rest; frequencies come from the histogram with
/// `FrequencyTable.build(histogram:escapeCount:minSymbol:precisionBits:)`, integer arithmetic only.
package enum Calibration {
    /// Step multipliers of the default ladder: quality 1 is the coarsest.
    package static let defaultMultipliers: [Float] = [4, 2, 1, 0.5, 0.25, 0.125, 0.0625, 0.03125]
    package static let precisionBits = 16
    package static let maxSymbols = 2048
    static let tailMass = 1e-5

    /// The codec tensors of `model` with `parameters`, from the latents of every image of `dataset` (encoded 500
    /// at a time) and the default ladder.
    package static func codecTensors(_ model: Autoencoder, _ parameters: Parameters, on dataset: ImageDataset)
        -> CodecTensors
    {
        var latentData: [Float] = []
        var latentShape: [Int] = []
        var start = 0
        while start < dataset.count {
            let end = min(start + 500, dataset.count)
            let latent = model.encode(dataset.tensor(start..<end), parameters)
            latentData.append(contentsOf: latent.data)
            latentShape = latent.shape
            start = end
        }
        latentShape[0] = dataset.count
        let latents = Tensor(shape: latentShape, data: latentData)
        return codecTensors(latents: latents, scales: scales(latents))
    }

    /// Per-channel standard deviation of `latents`, (N, C, h, w). A channel that never varies gets 1.
    package static func scales(_ latents: Tensor) -> [Float] {
        let (N, C, h, w) = latents.nchw
        let plane = h * w
        return (0..<C).map { c in
            var sum: Double = 0
            var squares: Double = 0
            for n in 0..<N {
                let base = (n * C + c) * plane
                for i in base..<base + plane {
                    let v = Double(latents.data[i])
                    sum += v
                    squares += v * v
                }
            }
            let count = Double(N * plane)
            let variance = max(0, squares / count - (sum / count) * (sum / count))
            let deviation = Float(variance.squareRoot())
            return deviation > 1e-6 ? deviation : 1
        }
    }

    /// The codec tensors for `multipliers`, from calibration latents (N, C, h, w): quality q quantises with
    /// `Quantizer(.dividing(by: steps))`, the encoder's own rule.
    package static func codecTensors(latents: Tensor, scales: [Float], multipliers: [Float] = defaultMultipliers)
        -> CodecTensors
    {
        let (N, C, h, w) = latents.nchw
        let plane = h * w
        let qualities = multipliers.map { multiplier in
            let steps = scales.map { $0 * multiplier }
            var tables: [FrequencyTable] = []
            let window = 1 << 16
            for c in 0..<C {
                // Values within ±window counted in an array, rarer ones in a dictionary.
                var dense = [UInt64](repeating: 0, count: 2 * window + 1)
                var sparse: [Int32: UInt64] = [:]
                latents.data.withUnsafeBufferPointer { z in
                    for n in 0..<N {
                        let base = (n * C + c) * plane
                        for i in base..<base + plane {
                            let q = Quantizer.symbol(z[i] / steps[c])
                            if q >= -Int32(window) && q <= Int32(window) {
                                dense[Int(q) + window] += 1
                            } else {
                                sparse[q, default: 0] += 1
                            }
                        }
                    }
                }
                for (i, count) in dense.enumerated() where count > 0 { sparse[Int32(i - window)] = count }
                tables.append(table(counts: sparse, total: UInt64(N * plane)))
            }
            return CodecTensors.Quality(steps: steps, tables: tables.flatMap { $0.serialized() })
        }
        return CodecTensors(scales: scales, qualities: qualities)
    }

    /// A table over the central values of a histogram, the tails escaped.
    static func table(counts: [Int32: UInt64], total: UInt64) -> FrequencyTable {
        let sorted = counts.keys.sorted()
        let tail = UInt64((Double(total) * tailMass).rounded(.down))
        var low = 0
        var below: UInt64 = 0
        while low < sorted.count - 1 && below + counts[sorted[low]]! <= tail {
            below += counts[sorted[low]]!
            low += 1
        }
        var high = sorted.count - 1
        var above: UInt64 = 0
        while high > low && above + counts[sorted[high]]! <= tail {
            above += counts[sorted[high]]!
            high -= 1
        }
        var minSymbol = sorted[low]
        var maxSymbol = sorted[high]
        // Keep the range around the mode if it is still too wide.
        if Int(maxSymbol) - Int(minSymbol) + 1 > maxSymbols {
            let mode = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
            minSymbol = max(minSymbol, mode - Int32(maxSymbols / 2))
            maxSymbol = minSymbol + Int32(maxSymbols - 1)
        }
        var histogram = [UInt64](repeating: 0, count: Int(maxSymbol - minSymbol) + 1)
        var escapes: UInt64 = 0
        for (value, count) in counts {
            if value >= minSymbol && value <= maxSymbol {
                histogram[Int(value - minSymbol)] += count
            } else {
                escapes += count
            }
        }
        return FrequencyTable.build(
            histogram: histogram, escapeCount: escapes, minSymbol: minSymbol, precisionBits: precisionBits)
    }
}
