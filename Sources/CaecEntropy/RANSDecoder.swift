/// Decodes a stream made by `RANSEncoder`, checking every byte read and the end of the stream.
///
/// Symbols come out in the order opposite to the one they were pushed in. After the last symbol call `finish()`:
/// it fails unless the state is back at the encoder's initial state and every byte was read
/// (Spec/entropy-coding.md §4.5). Hostile input never traps; it throws an `EntropyError`.
package struct RANSDecoder: Sendable {
    let bytes: ArraySlice<UInt8>
    /// Offset of the next byte to read, from `bytes.startIndex`.
    var offset: Int
    var state: UInt32
    /// How many symbols have been decoded (the evidence of `escapeOverflow`).
    var symbolIndex = 0

    /// Reads the initial state from the first four bytes (most significant first).
    ///
    /// - Throws: `.truncated(offset:)` if fewer than four bytes, `.invalidInitialState` if the state is outside
    ///   `[2^23, 2^31)`.
    package init(_ bytes: ArraySlice<UInt8>) throws(EntropyError) {
        guard bytes.count >= RANSConstants.stateByteCount else { throw .truncated(offset: bytes.count) }
        let b = bytes.startIndex
        let x = UInt32(bytes[b]) << 24 | UInt32(bytes[b + 1]) << 16 | UInt32(bytes[b + 2]) << 8 | UInt32(bytes[b + 3])
        guard x >= RANSConstants.lowerBound && x < RANSConstants.lowerBound << 8 else {
            throw .invalidInitialState(x)
        }
        self.bytes = bytes
        self.offset = RANSConstants.stateByteCount
        self.state = x
    }

    /// Bytes not read yet.
    package var remainingByteCount: Int { bytes.count - offset }

    /// Decodes the next value with `table`, following an escape to its payload.
    ///
    /// - Throws: `.truncated(offset:)` when the stream ends too early, `.escapeOverflow` for an escape payload
    ///   outside `Int32`.
    package mutating func decode(table: FrequencyTable) throws(EntropyError) -> Int32 {
        let index = try take(table: table)
        if index == table.escapeIndex { return try decodeEscapePayload(table: table) }
        symbolIndex += 1
        return table.minSymbol &+ Int32(truncatingIfNeeded: index)
    }

    /// Checks the end of the stream: final state equal to the initial state, then no unread byte (Spec §4.5).
    package func finish() throws(EntropyError) {
        guard state == RANSConstants.initialState else {
            throw .finalStateMismatch(expected: RANSConstants.initialState, actual: state)
        }
        guard offset == bytes.count else { throw .trailingBytes(count: bytes.count - offset) }
    }

    /// Spec §4.3: one symbol index, then renormalisation.
    @inline(__always)
    mutating func take(table: FrequencyTable) throws(EntropyError) -> Int {
        let n = UInt32(table.precisionBits)
        let slot = state & ((1 << n) - 1)
        let index = table.symbol(atSlot: slot)
        let low = table.cumulative[index]
        state = (table.cumulative[index + 1] &- low) &* (state >> n) &+ slot &- low
        try renormalize()
        return index
    }

    /// `count` (1...16) raw bits coded with frequency 1 out of `2^count` (Spec §5).
    mutating func takeRawBits(count: Int) throws(EntropyError) -> UInt32 {
        let bits = state & ((1 << UInt32(count)) - 1)
        state >>= UInt32(count)
        try renormalize()
        return bits
    }

    @inline(__always)
    mutating func renormalize() throws(EntropyError) {
        while state < RANSConstants.lowerBound {
            guard offset < bytes.count else { throw .truncated(offset: offset) }
            state = state << 8 | UInt32(bytes[bytes.startIndex + offset])
            offset += 1
        }
    }

    /// Spec §5: side bit, Elias-gamma length prefix, mantissa in groups of at most 16 bits, low group first.
    /// The escape symbol itself has been taken already.
    mutating func decodeEscapePayload(table: FrequencyTable) throws(EntropyError) -> Int32 {
        let below = try takeRawBits(count: 1) == 1
        var zeros = 0
        while try takeRawBits(count: 1) == 0 {
            zeros += 1
            guard zeros <= RANSConstants.maxEscapePrefixZeros else { throw .escapeOverflow(symbolIndex: symbolIndex) }
        }
        var mantissa: UInt64 = 0
        var shift = 0
        while shift < zeros {
            let width = min(RANSConstants.maxRawBitsPerStep, zeros - shift)
            mantissa |= UInt64(try takeRawBits(count: width)) << UInt64(shift)
            shift += width
        }
        let distance = (1 << UInt64(zeros)) | mantissa
        guard let value = EscapeCode.join(below: below, distance: distance, table: table) else {
            throw .escapeOverflow(symbolIndex: symbolIndex)
        }
        symbolIndex += 1
        return value
    }
}
