/// SplitMix64: a tiny seedable generator, used for initialisation, shuffling and augmentation.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `[low, high)`, from the top 24 bits.
    package mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + Float(next() >> 40) * (1 / Float(1 << 24)) * (high - low)
    }

    /// Uniform integer in `0..<bound`.
    package mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
