import CaecCore

/// A seedable generator (SplitMix64, as the library uses) so that every randomised test is reproducible.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { generator.next() }

    /// Uniform Float in `[low, high)`.
    public mutating func float(in range: Range<Float> = 0..<1) -> Float {
        generator.uniform(range.lowerBound, range.upperBound)
    }

    /// `count` uniform Floats in `range`.
    public mutating func floats(_ count: Int, in range: Range<Float> = -1..<1) -> [Float] {
        (0..<count).map { _ in float(in: range) }
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}
