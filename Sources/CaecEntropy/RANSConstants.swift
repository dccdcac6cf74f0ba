/// Every number fixed by Spec/entropy-coding.md, in one place.
package enum RANSConstants {
    /// `L`, the lower bound of the normalised state interval `[L, 256 L)` (Spec §4.1).
    package static let lowerBound: UInt32 = 1 << 23
    /// The state the encoder starts from and the decoder must end on (Spec §4.1).
    package static let initialState: UInt32 = lowerBound
    /// Bytes of state flushed at the start of a stream (Spec §4.4).
    package static let stateByteCount = 4
    /// Accepted `precisionBits` of a frequency table (Spec §3.1).
    package static let precisionRange: ClosedRange<Int> = 12...16
    /// Precision used when a caller does not choose one (Spec §3.1).
    package static let defaultPrecisionBits = 15
    /// `log2` of the number of buckets in a table's decoding lookup (Spec §4.3); at most the smallest precision.
    package static let lookupBits = 10
    /// Version byte of a serialised table (Spec §3.3).
    package static let tableVersion: UInt8 = 1
    /// Bytes of a serialised table before its frequencies (Spec §3.3).
    package static let tableHeaderByteCount = 10
    /// Widest group of raw bits coded as one uniform rANS step (Spec §5).
    package static let maxRawBitsPerStep = 16
    /// Largest number of leading zero bits in an escape's Elias-gamma prefix (Spec §5).
    package static let maxEscapePrefixZeros = 32
}
