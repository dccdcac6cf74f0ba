import CaecEntropy
import CaecModel
import CaecTensor

/// Integer frequency tables for a trained `HyperpriorModel` (`bmshj-hp-vr`), Spec/model-weights.md §7.2.
///
/// Per quality q: `codec.q<q>.step` = 1 / gain.analysis[q] (M channels, as `RateDistortionTables`) and
/// `codec.q<q>.tables`, the N per-channel tables of z's learned density of quality q, sampled as
/// `RateDistortionTables.build(bottleneck:...)` does (15 bits). Shared by all qualities: `codec.gaussian.bounds`
/// (`GaussianConditional.decisionBounds`), and `codec.gaussian.tables`, one table per scale of
/// `GaussianConditional.scaleTable` (`gaussianTable`).
/// The decoder reads these integers and never evaluates the Gaussian.
package enum HyperpriorTables {
    /// The `codec.*` tensors of every quality (numbered from 1) of `parameters` of `model`.
    package static func codecTensors(model: HyperpriorModel, parameters: Parameters, precisionBits: Int = 15)
        -> CodecTensors
    {
        let gains = parameters.tensor("gain.analysis")
        let qualities = (0..<model.qualities).map { q in
            let tables = RateDistortionTables.build(
                bottleneck: model.bottleneck, parameters: parameters, quality: q, precisionBits: precisionBits)
            return CodecTensors.Quality(
                steps: (0..<model.m).map { 1 / gains.data[q * model.m + $0] },
                tables: tables.flatMap { $0.serialized() })
        }
        let conditional = CodecTensors.Conditional(
            bounds: GaussianConditional.decisionBounds,
            tables: GaussianConditional.scaleTable.flatMap { gaussianTable(scale: Double($0)).serialized() })
        return CodecTensors(
            scales: [Float](repeating: 1, count: model.m), qualities: qualities, conditional: conditional)
    }

    /// The table of a zero-mean Gaussian of `scale` convolved with U(-1/2, 1/2) (`GaussianConditional.mass`):
    /// the integers k with mass at least `RateDistortionTables.tailMass`, a symmetric window found by scanning
    /// outward from 0, and the rest of the mass as the escape, quantised by `FrequencyTable.build(probabilities:...)`
    /// at 16 bits: at 15 the widest table (scale 256, about 1,900 symbols, each at least 1/2^15) costs 0.017 bit a
    /// symbol over the density, at 16 bits 0.0075 (escapes' payloads included).
    package static func gaussianTable(scale: Double, precisionBits: Int = 16) -> FrequencyTable {
        var radius = 0
        while GaussianConditional.mass(radius + 1, scale: scale) >= RateDistortionTables.tailMass { radius += 1 }
        let probabilities = (-radius...radius).map { min(max(GaussianConditional.mass($0, scale: scale), 0), 1) }
        let escape = max(0, min(1, 1 - probabilities.reduce(0, +)))
        return FrequencyTable.build(
            probabilities: probabilities, escapeProbability: escape, minSymbol: Int32(-radius),
            precisionBits: precisionBits)
    }
}
