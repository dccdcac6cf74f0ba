// Spec/entropy-coding.md §6: coding a latent, channel after channel.
extension RANSEncoder {
    /// Codes a latent of `tables.count` channels of `planeSize` values each, channel-major, as one stream.
    ///
    /// Value `i` is coded with `tables[i / planeSize]`. The decoder reads the values back in natural order
    /// with `RANSDecoder.decode(_:planeSize:tables:)`.
    ///
    /// - Parameters:
    ///   - symbols: The latent, `(C, h * w)` in row-major order, `C == tables.count`.
    ///   - planeSize: Values per channel (`h * w`).
    ///   - tables: One table per channel.
    /// - Precondition: `symbols.count == planeSize * tables.count`.
    /// - Returns: The finished stream.
    package static func encode(symbols: [Int32], planeSize: Int, tables: [FrequencyTable]) -> [UInt8] {
        precondition(planeSize >= 0, "planeSize must not be negative")
        let (count, overflow) = planeSize.multipliedReportingOverflow(by: tables.count)
        precondition(!overflow && count == symbols.count, "symbols.count must equal planeSize * tables.count")
        var encoder = RANSEncoder(capacity: symbols.count / 4 + 16)
        for channel in tables.indices.reversed() {
            encoder.encodePlane(symbols, start: channel * planeSize, count: planeSize, table: tables[channel])
        }
        return encoder.finish()
    }

    /// Pushes `symbols[start ..< start + count]` last to first, all with `table`.
    mutating func encodePlane(_ symbols: [Int32], start: Int, count: Int, table: FrequencyTable) {
        let n = UInt32(table.precisionBits)
        let scaledBound = (RANSConstants.lowerBound >> n) << 8
        let minSymbol = Int64(table.minSymbol)
        let symbolCount = Int64(table.symbolCount)
        var x = state
        symbols.withUnsafeBufferPointer { source in
            table.cumulative.withUnsafeBufferPointer { cumulative in
                var i = start + count
                while i > start {
                    i -= 1
                    let value = source[i]
                    let index = Int64(value) - minSymbol
                    guard index >= 0 && index < symbolCount else {
                        state = x
                        encodeEscape(value, table: table)
                        x = state
                        continue
                    }
                    let low = cumulative[Int(index)]
                    let frequency = cumulative[Int(index) + 1] &- low
                    let limit = scaledBound &* frequency
                    while x >= limit {
                        emitted.append(UInt8(truncatingIfNeeded: x))
                        x >>= 8
                    }
                    x = ((x / frequency) << n) &+ (x % frequency) &+ low
                }
            }
        }
        state = x
    }
}
