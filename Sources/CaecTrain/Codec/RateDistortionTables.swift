import CaecEntropy
import CaecModel
import CaecTensor

/// Integer frequency tables for a trained `RateDistortionModel` (`bmshj-f-vr`), from its learned densities.
///
/// For quality q and channel c, the learned density's mass of each integer k (`c(k + 1/2) - c(k - 1/2)`, the
/// model's own likelihood of the rounded symbol) is sampled over the smallest window of integers holding every k
/// with mass at least `tailMass`; everything outside is the escape symbol's mass (Spec/entropy-coding.md §5).
/// `FrequencyTable.build(probabilities:...)` turns the masses into integer frequencies, so the decoder never sees a
/// float. Stored as Spec/model-weights.md §7 asks: `codec.q<q>.step` = 1 / gain.analysis[q] (the encoder's
/// quantisation step per channel), `codec.q<q>.tables`, and `codec.scale` = 1 (this model's steps are learned,
/// not derived from a latent spread). The decoder dequantises with `gain.synthesis[q]` (Cui et al.'s asymmetric
/// gains), which lives in the model, not in `step`. `CaecCodec` codes with them.
package enum RateDistortionTables {
    /// Smallest mass an integer must have to get its own symbol; the rest is escaped.
    package static let tailMass = 1e-6
    /// Integers scanned on each side of zero when building tables.
    package static let searchRadius = 512

    /// The `codec.*` tensors of every quality (numbered from 1) of `parameters` of `model`.
    package static func codecTensors(model: RateDistortionModel, parameters: Parameters, precisionBits: Int = 15)
        -> CodecTensors
    {
        let gains = parameters.tensor("gain.analysis")
        let qualities = (0..<model.qualities).map { q in
            let tables = build(model: model, parameters: parameters, quality: q, precisionBits: precisionBits)
            return CodecTensors.Quality(
                steps: (0..<model.m).map { 1 / gains.data[q * model.m + $0] },
                tables: tables.flatMap { $0.serialized() })
        }
        return CodecTensors(scales: [Float](repeating: 1, count: model.m), qualities: qualities)
    }

    /// The per-channel tables of `quality` (0-based).
    package static func build(
        model: RateDistortionModel, parameters: Parameters, quality: Int, precisionBits: Int = 15
    ) -> [FrequencyTable] {
        build(bottleneck: model.bottleneck, parameters: parameters, quality: quality, precisionBits: precisionBits)
    }

    /// The per-channel tables of `bottleneck`'s densities of `quality` (0-based). With `offsets` (one per channel,
    /// CompressAI's medians), symbol k of channel c stands for the value k + offsets[c], where the density is
    /// sampled. A mass that is not a finite number (a degenerate density: imported parameters that overflow) counts
    /// as 0, leaving its values to the escape symbol; `firstDegenerateChannel` finds such densities beforehand.
    package static func build(
        bottleneck: EntropyBottleneck, parameters: Parameters, quality: Int, precisionBits: Int = 15,
        offsets: [Float]? = nil
    ) -> [FrequencyTable] {
        let R = searchRadius
        return sampledMasses(bottleneck: bottleneck, parameters: parameters, quality: quality, offsets: offsets).map {
            sampled in
            let row = sampled.map { $0.isFinite ? max(0, $0) : 0 }
            let kept = row.indices.filter { row[$0] >= tailMass }
            let low = kept.first ?? R
            let high = kept.last ?? R
            let probabilities = Array(row[low...high]).map { min($0, 1) }
            let escape = max(0, min(1, 1 - probabilities.reduce(0, +)))
            return FrequencyTable.build(
                probabilities: probabilities, escapeProbability: escape, minSymbol: Int32(low - R),
                precisionBits: precisionBits)
        }
    }

    /// The first channel of `bottleneck`'s densities of `quality` (0-based) whose sampled masses are not all
    /// finite, or nil: parameters that are finite can still overflow in the density (softplus, products), and such
    /// a density cannot be coded with. Importers refuse a model that has one.
    package static func firstDegenerateChannel(
        bottleneck: EntropyBottleneck, parameters: Parameters, quality: Int, offsets: [Float]? = nil
    ) -> Int? {
        sampledMasses(bottleneck: bottleneck, parameters: parameters, quality: quality, offsets: offsets)
            .firstIndex { row in row.contains { !$0.isFinite } }
    }

    /// Per channel, the masses of the 2 `searchRadius` + 1 integers around 0 (plus the channel's offset).
    static func sampledMasses(
        bottleneck: EntropyBottleneck, parameters: Parameters, quality: Int, offsets: [Float]?
    ) -> [[Double]] {
        let C = bottleneck.channels
        precondition(offsets == nil || offsets!.count == C, "RateDistortionTables.build: one offset per channel")
        let R = searchRadius
        let points = 2 * R + 1
        var values = [Float](repeating: 0, count: C * points)
        for c in 0..<C {
            for i in 0..<points { values[c * points + i] = Float(i - R) }
            if let offsets {
                for i in 0..<points { values[c * points + i] += offsets[c] }
            }
        }
        let masses = bottleneck.likelihoods(
            Tensor(shape: [1, C, 1, points], data: values), quality: quality, parameters)
        return (0..<C).map { c in masses.data[c * points..<(c + 1) * points].map(Double.init) }
    }
}
