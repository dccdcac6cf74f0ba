/// A range-asymmetric-numeral-system encoder with a 32-bit state and byte-wise renormalisation.
///
/// rANS is last-in first-out: **symbols must be encoded in the reverse of the order in which they will be
/// decoded.** `finish()` returns the stream in decoding order (Spec/entropy-coding.md §4). To code a whole latent
/// in natural order use `RANSEncoder.encode(symbols:planeSize:tables:)`, which does the reversal.
package struct RANSEncoder: Sendable {
    /// The state `x`, in `[L, 256 L)` between symbols.
    var state: UInt32 = RANSConstants.initialState
    /// Renormalisation bytes in emission order, which is the reverse of stream order.
    var emitted: [UInt8] = []

    /// An encoder at the initial state with no output.
    package init() {}

    /// An encoder that reserves room for `capacity` output bytes.
    package init(capacity: Int) { emitted.reserveCapacity(capacity) }

    /// Pushes `value` so that it is decoded before everything pushed earlier.
    ///
    /// A value outside the table's range is sent as the escape symbol followed by its payload (Spec §5).
    package mutating func encode(_ value: Int32, table: FrequencyTable) {
        let index = Int64(value) - Int64(table.minSymbol)
        if index >= 0 && index < Int64(table.symbolCount) {
            put(symbol: Int(index), table: table)
        } else {
            encodeEscape(value, table: table)
        }
    }

    /// The finished stream: the final state (4 bytes, most significant first) then the renormalisation bytes
    /// in the order the decoder reads them (Spec §4.4).
    package func finish() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(emitted.count + RANSConstants.stateByteCount)
        for shift: UInt32 in [24, 16, 8, 0] { bytes.append(UInt8(truncatingIfNeeded: state >> shift)) }
        bytes.append(contentsOf: emitted.reversed())
        return bytes
    }

    /// Spec §4.2: renormalise, then `x = (x / f) << n + x % f + c`.
    @inline(__always)
    mutating func put(cumulative: UInt32, frequency: UInt32, precisionBits: UInt32) {
        let limit = ((RANSConstants.lowerBound >> precisionBits) << 8) &* frequency
        var x = state
        while x >= limit {
            emitted.append(UInt8(truncatingIfNeeded: x))
            x >>= 8
        }
        state = ((x / frequency) << precisionBits) &+ (x % frequency) &+ cumulative
    }

    @inline(__always)
    mutating func put(symbol index: Int, table: FrequencyTable) {
        let low = table.cumulative[index]
        put(cumulative: low, frequency: table.cumulative[index + 1] - low, precisionBits: UInt32(table.precisionBits))
    }

    /// `count` (1...16) raw bits as one step with frequency 1 out of `2^count` (Spec §5).
    mutating func putRawBits(_ bits: UInt32, count: Int) {
        put(cumulative: bits, frequency: 1, precisionBits: UInt32(count))
    }

    /// Spec §5, pushed in reverse so that the decoder reads escape, side bit, zeros, terminator, mantissa.
    mutating func encodeEscape(_ value: Int32, table: FrequencyTable) {
        let (below, distance) = EscapeCode.split(value, table: table)
        pushEscapePayload(below: below, distance: distance)
        put(symbol: table.escapeIndex, table: table)
    }

    /// The payload alone, mantissa groups first (the last group first), then the gamma terminator, the zeros and
    /// the side bit. `distance` may exceed what a valid value needs, so tests can build hostile payloads.
    mutating func pushEscapePayload(below: Bool, distance: UInt64) {
        precondition(distance >= 1, "escape distance starts at 1")
        let zeros = 63 - distance.leadingZeroBitCount
        let mantissa = distance - (1 << UInt64(zeros))
        let step = RANSConstants.maxRawBitsPerStep
        for group in stride(from: (zeros + step - 1) / step - 1, through: 0, by: -1) {
            let shift = group * step
            let width = min(step, zeros - shift)
            putRawBits(
                UInt32(truncatingIfNeeded: (mantissa >> UInt64(shift)) & ((1 << UInt64(width)) - 1)), count: width)
        }
        putRawBits(1, count: 1)
        for _ in 0..<zeros { putRawBits(0, count: 1) }
        putRawBits(below ? 1 : 0, count: 1)
    }
}
