/// The codec's one quantisation rule (Spec/cae-format.md §9), used by the encoder, by calibration and by training
/// evaluation alike.
///
/// A latent value is first brought to the symbol scale per channel (divided by a step, or multiplied by a gain, as
/// the family stores it), then rounded half to even and clamped to ±2^30 (an escape codes any `Int32`). NaN, which
/// a broken model can produce, becomes 0: never a trap, never a saturated symbol.
package struct Quantizer: Sendable, Equatable {
    /// How channel c's latent is brought to the symbol scale.
    package enum Scaling: Sendable, Equatable {
        /// symbol = round(latent / steps[c]); the autoencoders' calibrated steps.
        case dividing(by: [Float])
        /// symbol = round(latent x gains[c]); the rate-distortion models' learned gains.
        case multiplying(by: [Float])
        /// symbol = round(latent - offsets[c]); CompressAI's factorized prior around its medians (the decoder adds
        /// them back).
        case subtracting([Float])
    }

    /// The largest symbol magnitude, 2^30.
    package static let limit: Float = 1_073_741_824

    package let scaling: Scaling

    package init(_ scaling: Scaling) { self.scaling = scaling }

    /// Channels this quantiser scales.
    package var channels: Int {
        switch scaling {
        case .dividing(let steps): steps.count
        case .multiplying(let gains): gains.count
        case .subtracting(let offsets): offsets.count
        }
    }

    /// The symbol of a value already on the symbol scale: round half to even, clamp to ±2^30, NaN to 0.
    @inline(__always)
    package static func symbol(_ scaled: Float) -> Int32 {
        let q = scaled.rounded(.toNearestOrEven)
        return q.isNaN ? 0 : Int32(max(-limit, min(limit, q)))
    }

    /// The symbol of `value` in `channel`.
    @inline(__always)
    package func symbol(_ value: Float, channel: Int) -> Int32 {
        switch scaling {
        case .dividing(let steps): Self.symbol(value / steps[channel])
        case .multiplying(let gains): Self.symbol(value * gains[channel])
        case .subtracting(let offsets): Self.symbol(value - offsets[channel])
        }
    }

    /// The symbols of `latent`, (N, C, h, w) flattened, channel-major within each sample; `planeSize` is h x w.
    package func quantize(_ latent: [Float], planeSize: Int) -> [Int32] {
        let C = channels
        precondition(planeSize > 0 && latent.count % (C * planeSize) == 0, "Quantizer: latent is not (N, C, h, w)")
        var symbols = [Int32](repeating: 0, count: latent.count)
        for base in stride(from: 0, to: latent.count, by: C * planeSize) {
            for c in 0..<C {
                let start = base + c * planeSize
                for i in start..<start + planeSize { symbols[i] = symbol(latent[i], channel: c) }
            }
        }
        return symbols
    }
}
