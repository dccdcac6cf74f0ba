import CaecCore
import CaecEntropy
import CaecModel
import CaecTensor

/// Entropy coding for a trained `RateDistortionModel` (`bmshj-f-vr`): integer frequency tables from the learned
/// densities, and a deterministic encode / decode of the latent.
///
/// Tables: for quality q and channel c, the learned density's mass of each integer k (`c(k + 1/2) - c(k - 1/2)`,
/// the model's own likelihood of the rounded symbol) is sampled over the smallest window of integers holding every
/// k with mass at least `tailMass`; everything outside is the escape symbol's mass (Spec/entropy-coding.md §5).
/// `FrequencyTable.build(probabilities:...)` turns the masses into integer frequencies, so the decoder never sees a
/// float. Stored as Spec/model-weights.md §7 asks: `codec.q<q>.step` = 1 / gain.analysis[q] (the encoder's
/// quantisation step per channel), `codec.q<q>.tables`, and `codec.scale` = 1 (this model's steps are learned,
/// not derived from a latent spread). The decoder dequantises with `gain.synthesis[q]` (Cui et al.'s asymmetric
/// gains), which lives in the model, not in `step`.
///
/// Determinism: the encoder runs the analysis transform with `.reference` kernels (fixed summation order), then
/// multiplies by the gain and rounds half to even, so the symbols, and so the bytes, do not depend on the machine
/// or the thread count.
package struct RateDistortionCoder: Sendable {
    package let model: RateDistortionModel
    package let parameters: Parameters
    /// tables[q][c].
    package let tables: [[FrequencyTable]]

    /// Smallest mass an integer must have to get its own symbol; the rest is escaped.
    package static let tailMass = 1e-6
    /// Integers scanned on each side of zero when building tables.
    package static let searchRadius = 512

    /// A coder for `parameters` of `model` (built with any kernel path; the coder's analysis uses `.reference`).
    package init(model: RateDistortionModel, parameters: Parameters, precisionBits: Int = 15) {
        self.model = RateDistortionModel(
            id: model.id, n: model.n, m: model.m, lambdas: model.lambdas, analysisPath: .reference)
        self.parameters = parameters
        tables = (0..<model.qualities).map {
            Self.buildTables(model: model, parameters: parameters, quality: $0, precisionBits: precisionBits)
        }
    }

    /// The per-channel tables of `quality` (0-based).
    package static func buildTables(
        model: RateDistortionModel, parameters: Parameters, quality: Int, precisionBits: Int
    ) -> [FrequencyTable] {
        let C = model.m
        let R = searchRadius
        let points = 2 * R + 1
        var values = [Float](repeating: 0, count: C * points)
        for c in 0..<C {
            for i in 0..<points { values[c * points + i] = Float(i - R) }
        }
        let masses = model.bottleneck.likelihoods(
            Tensor(shape: [1, C, 1, points], data: values), quality: quality, parameters)
        return (0..<C).map { c in
            let row = masses.data[c * points..<(c + 1) * points].map(Double.init)
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

    /// The `codec.*` tensors of Spec/model-weights.md §7 for every quality (numbered from 1).
    package func codecTensors() -> [NamedTensor] {
        var tensors = [
            NamedTensor(
                name: codecPrefix + "scale", kind: .buffer, shape: [model.m],
                storage: .float32([Float](repeating: 1, count: model.m)))
        ]
        let gains = parameters.tensor("gain.analysis")
        for q in 0..<model.qualities {
            let steps = (0..<model.m).map { 1 / gains.data[q * model.m + $0] }
            let bytes = tables[q].flatMap { $0.serialized() }
            tensors.append(
                NamedTensor(
                    name: codecPrefix + "q\(q + 1).step", kind: .buffer, shape: [model.m], storage: .float32(steps)))
            tensors.append(
                NamedTensor(
                    name: codecPrefix + "q\(q + 1).tables", kind: .buffer, shape: [bytes.count], storage: .uint8(bytes))
            )
        }
        return tensors
    }

    /// The rounded latent symbols of `image` (1, 3, H, W) with H, W multiples of 16, channel-major.
    package func symbols(_ image: Tensor, quality: Int) -> [Int32] {
        model.quantizedLatent(image, quality: quality, parameters).data.map { Int32($0) }
    }

    /// The rANS payload of `image` (1, 3, H, W) at `quality` (0-based).
    package func encode(_ image: Tensor, quality: Int) -> [UInt8] {
        let (_, _, H, W) = image.nchw
        let planeSize = (H / RateDistortionModel.rate) * (W / RateDistortionModel.rate)
        return RANSEncoder.encode(
            symbols: symbols(image, quality: quality), planeSize: planeSize, tables: tables[quality])
    }

    /// The reconstruction (1, 3, H, W) from a payload made by `encode` for an H x W input.
    package func decode(_ payload: [UInt8], height H: Int, width W: Int, quality: Int) throws(EntropyError) -> Tensor {
        let (h, w) = (H / RateDistortionModel.rate, W / RateDistortionModel.rate)
        let symbols = try RANSDecoder.decode(payload[...], planeSize: h * w, tables: tables[quality])
        let latent = Tensor(shape: [1, model.m, h, w], data: symbols.map(Float.init))
        return model.decode(latent, quality: quality, parameters)
    }

    /// The payload of `image` at every quality (index q - 1), running the analysis transform once: the
    /// qualities differ only in the gain applied before rounding. Images are padded to multiples of 16 by
    /// repeating the last row and column.
    package func encodeAllQualities(_ image: RGBImage) -> [[UInt8]] {
        let x = PixelConversion.paddedTensor(image, multiple: RateDistortionModel.rate)
        let y = model.analysis.forward(x, parameters)
        let planeSize = y.shape[2] * y.shape[3]
        return (0..<model.qualities).map { q in
            var scaled = RateDistortionModel.scale(y, gains: parameters.tensor("gain.analysis"), qualities: [q])
            for i in scaled.data.indices { scaled.data[i] = scaled.data[i].rounded(.toNearestOrEven) }
            return RANSEncoder.encode(symbols: scaled.data.map { Int32($0) }, planeSize: planeSize, tables: tables[q])
        }
    }

    /// The 8-bit image decoded from a payload of `encodeAllQualities` (or `encode`) for a `width` x `height` image.
    package func decodeImage(_ payload: [UInt8], width: Int, height: Int, quality: Int) throws(EntropyError)
        -> RGBImage
    {
        let rate = RateDistortionModel.rate
        let padded = try decode(
            payload, height: (height + rate - 1) / rate * rate, width: (width + rate - 1) / rate * rate,
            quality: quality)
        return PixelConversion.image(padded, width: width, height: height)
    }
}
