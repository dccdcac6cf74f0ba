import CaecTensor

extension Tensor {
    /// Inverted dropout with a seeded mask: each element is kept with probability `1 - rate` and scaled by
    /// `1 / (1 - rate)`, so inference needs no rescaling.
    ///
    /// The keep decision of element i is a hash of `(seed, i)` (SplitMix64 of `seed + i * golden ratio`), so the
    /// mask depends on the seed and the index only: not on the path, the thread count or the order of calls.
    /// - Parameters:
    ///   - input: any shape.
    ///   - rate: drop probability in `0..<1`.
    ///   - seed: the mask's seed; callers derive one per step and layer.
    /// - Returns: the output and the mask (0 or `1 / (1 - rate)` per element, the shape of `input`).
    package static func dropout(_ input: Tensor, rate: Float, seed: UInt64, path: KernelPath = .fast)
        -> (output: Tensor, mask: Tensor)
    {
        precondition(rate >= 0 && rate < 1, "dropout: rate must be in 0..<1")
        var mask = Tensor(shape: input.shape)
        let keep = 1 / (1 - rate)
        // Keep when the top 24 bits, as a fraction, are >= rate.
        let threshold = UInt64((Double(rate) * Double(1 << 24)).rounded(.up))
        mask.data.withUnsafeMutableBufferPointer { m in
            for i in 0..<m.count {
                var z = seed &+ UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                m[i] = (z >> 40) >= threshold ? keep : 0
            }
        }
        return (multiply(input, mask, path: path), mask)
    }

    /// Backward of `dropout`: `dInput = gradOutput * mask`.
    package static func dropoutBackward(_ gradOutput: Tensor, mask: Tensor, path: KernelPath = .fast) -> Tensor {
        multiply(gradOutput, mask, path: path)
    }
}
