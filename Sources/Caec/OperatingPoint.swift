import CaecEntropy

/// One quality of a model: the quantisation step of each latent channel and its entropy table.
package struct OperatingPoint: Sendable, Equatable {
    /// 1-based, as stored in the `.cae` header.
    package let quality: Int
    /// Quantisation step per latent channel: symbol = round(latent / step), latent' = symbol * step.
    package let steps: [Float]
    /// Frequency table per latent channel.
    package let tables: [FrequencyTable]

    package init(quality: Int, steps: [Float], tables: [FrequencyTable]) {
        precondition(steps.count == tables.count, "OperatingPoint: one step and one table per channel")
        self.quality = quality
        self.steps = steps
        self.tables = tables
    }

    /// Spec/cae-format.md §9: round half to even, clamped to ±2^30 (an escape codes any Int32).
    package func quantize(_ latent: [Float], planeSize: Int) -> [Int32] {
        var symbols = [Int32](repeating: 0, count: latent.count)
        for c in 0..<steps.count {
            let step = steps[c]
            for i in c * planeSize..<(c + 1) * planeSize {
                let q = (latent[i] / step).rounded(.toNearestOrEven)
                symbols[i] = q.isNaN ? 0 : Int32(max(-1_073_741_824, min(1_073_741_824, q)))
            }
        }
        return symbols
    }

    package func dequantize(_ symbols: [Int32], planeSize: Int) -> [Float] {
        var latent = [Float](repeating: 0, count: symbols.count)
        for c in 0..<steps.count {
            let step = steps[c]
            for i in c * planeSize..<(c + 1) * planeSize { latent[i] = Float(symbols[i]) * step }
        }
        return latent
    }
}
