// Spec/entropy-coding.md §6: decoding a latent, channel after channel.
extension RANSDecoder {
    /// Decodes a whole stream made by `RANSEncoder.encode(symbols:planeSize:tables:)` and checks its end.
    ///
    /// The caller bounds `planeSize * tables.count` (the latent size limit) before calling: the output is
    /// allocated up front, and a stream of a few bytes can legitimately hold many symbols.
    ///
    /// - Parameters:
    ///   - bytes: The stream, exactly.
    ///   - planeSize: Values per channel.
    ///   - tables: One table per channel, as used by the encoder.
    /// - Returns: `planeSize * tables.count` values, channel-major.
    /// - Throws: `.truncated`, `.invalidInitialState`, `.escapeOverflow`, `.finalStateMismatch` or
    ///   `.trailingBytes` (Spec §4.5).
    package static func decode(
        _ bytes: ArraySlice<UInt8>, planeSize: Int, tables: [FrequencyTable]
    ) throws(EntropyError) -> [Int32] {
        precondition(planeSize >= 0, "planeSize must not be negative")
        let (count, overflow) = planeSize.multipliedReportingOverflow(by: tables.count)
        precondition(!overflow, "planeSize * tables.count overflows")
        var decoder = try RANSDecoder(bytes)
        var output = [Int32](repeating: 0, count: count)
        for (channel, table) in tables.enumerated() {
            try decoder.decodePlane(into: &output, start: channel * planeSize, count: planeSize, table: table)
        }
        try decoder.finish()
        return output
    }

    /// Decodes `output[start ..< start + count]` with `table`.
    mutating func decodePlane(
        into output: inout [Int32], start: Int, count: Int, table: FrequencyTable
    ) throws(EntropyError) {
        var next = start
        let end = start + count
        while next < end {
            let stop = decodeRun(into: &output, from: next, to: end, table: table)
            next = stop.next
            switch stop.reason {
            case .done:
                break
            case .escape:
                output[next] = try decodeEscapePayload(table: table)
                next += 1
            case .truncated:
                throw .truncated(offset: offset)
            }
        }
    }

    enum RunStop { case done, escape, truncated }

    /// The fast path: decodes in-range values until `end`, stopping early after taking an escape symbol (its
    /// payload is left to the caller) or when a byte is needed past the end (the state is then meaningless).
    mutating func decodeRun(
        into output: inout [Int32], from start: Int, to end: Int, table: FrequencyTable
    ) -> (next: Int, reason: RunStop) {
        let n = UInt32(table.precisionBits)
        let mask: UInt32 = (1 << n) - 1
        let shift = n - UInt32(RANSConstants.lookupBits)
        let escape = table.escapeIndex
        let minSymbol = table.minSymbol
        let lowerBound = RANSConstants.lowerBound
        // The loop keeps its state in locals of the innermost closure so that they live in registers.
        let (x, position, i, reason) = bytes.withUnsafeBufferPointer { source in
            table.buckets.withUnsafeBufferPointer { buckets in
                table.cumulative.withUnsafeBufferPointer { cumulative in
                    output.withUnsafeMutableBufferPointer { out in
                        var x = state
                        var position = offset
                        var i = start
                        while i < end {
                            let slot = x & mask
                            var index = Int(buckets[Int(slot >> shift)])
                            // Terminates: cumulative[symbolCount + 1] = 2^n > slot.
                            while cumulative[index + 1] <= slot { index += 1 }
                            let low = cumulative[index]
                            // Spec §4.3: x = f * (x >> n) + slot - c; stays below 2^31, no wrap.
                            x = (cumulative[index + 1] &- low) &* (x >> n) &+ slot &- low
                            while x < lowerBound {
                                guard position < source.count else { return (x, position, i, RunStop.truncated) }
                                x = x << 8 | UInt32(source[position])
                                position += 1
                            }
                            if index == escape { return (x, position, i, RunStop.escape) }
                            out[i] = minSymbol &+ Int32(truncatingIfNeeded: index)
                            i += 1
                        }
                        return (x, position, i, RunStop.done)
                    }
                }
            }
        }
        symbolIndex += i - start
        state = x
        offset = position
        return (i, reason)
    }
}
