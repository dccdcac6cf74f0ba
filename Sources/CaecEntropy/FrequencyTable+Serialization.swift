// Spec/entropy-coding.md §3.3: the serialised table.
extension FrequencyTable {
    /// Bytes of this table once serialised: a 10-byte header and 2 bytes per symbol, escape included.
    package var serializedByteCount: Int { RANSConstants.tableHeaderByteCount + 2 * frequencies.count }

    /// The table in the format of Spec §3.3 (little-endian; frequencies stored minus one).
    package func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(serializedByteCount)
        bytes.append(RANSConstants.tableVersion)
        bytes.append(UInt8(precisionBits))
        let minBits = UInt32(bitPattern: minSymbol)
        let count = UInt32(symbolCount)
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: minBits >> shift)) }
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: count >> shift)) }
        for frequency in frequencies {
            let stored = frequency - 1
            bytes.append(UInt8(truncatingIfNeeded: stored))
            bytes.append(UInt8(truncatingIfNeeded: stored >> 8))
        }
        return bytes
    }

    /// Parses a table that fills `bytes` exactly.
    ///
    /// - Throws: `EntropyError.invalidTable` with the first defect found in the order of Spec §3.3,
    ///   `.trailingBytes` if `bytes` continues after the table.
    package init(parsing bytes: ArraySlice<UInt8>) throws(EntropyError) {
        let (table, used) = try Self.parsePrefix(of: bytes)
        guard used == bytes.count else { throw .invalidTable(.trailingBytes(count: bytes.count - used)) }
        self = table
    }

    /// Parses the table at the start of `bytes`, returning it and the number of bytes it occupies.
    ///
    /// The symbol count is checked against the precision before any frequency is read or memory allocated.
    /// - Throws: `EntropyError.invalidTable` with the first defect found in the order of Spec §3.3.
    package static func parsePrefix(of bytes: ArraySlice<UInt8>) throws(EntropyError) -> (
        table: FrequencyTable, byteCount: Int
    ) {
        let base = bytes.startIndex
        let header = RANSConstants.tableHeaderByteCount
        guard bytes.count >= header else {
            throw .invalidTable(.truncated(needed: header, available: bytes.count))
        }
        func uint32(at offset: Int) -> UInt32 {
            var value: UInt32 = 0
            for i in 0..<4 { value |= UInt32(bytes[base + offset + i]) << (8 * UInt32(i)) }
            return value
        }
        let version = bytes[base]
        guard version == RANSConstants.tableVersion else { throw .invalidTable(.unsupportedVersion(version)) }
        let precisionBits = Int(bytes[base + 1])
        guard RANSConstants.precisionRange.contains(precisionBits) else {
            throw .invalidTable(.precisionOutOfRange(precisionBits))
        }
        let minSymbol = Int32(bitPattern: uint32(at: 2))
        let declaredCount = UInt64(uint32(at: 6))
        let limit = 1 << precisionBits
        guard declaredCount + 1 <= UInt64(limit) else {
            throw .invalidTable(.tooManySymbols(count: Int(declaredCount) + 1, limit: limit))
        }
        let symbolCount = Int(declaredCount)
        guard symbolCount == 0 || Int64(minSymbol) + Int64(symbolCount - 1) <= Int64(Int32.max) else {
            throw .invalidTable(.symbolRangeOverflow(minSymbol: minSymbol, symbolCount: symbolCount))
        }
        let byteCount = header + 2 * (symbolCount + 1)
        guard bytes.count >= byteCount else {
            throw .invalidTable(.truncated(needed: byteCount, available: bytes.count))
        }
        var frequencies = [UInt32](repeating: 0, count: symbolCount + 1)
        var sum = 0
        for index in frequencies.indices {
            let at = base + header + 2 * index
            let frequency = (UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8) + 1
            frequencies[index] = frequency
            sum += Int(frequency)
        }
        guard sum == limit else { throw .invalidTable(.frequencySumMismatch(expected: limit, actual: sum)) }
        return (FrequencyTable(unchecked: minSymbol, frequencies: frequencies, precisionBits: precisionBits), byteCount)
    }
}
