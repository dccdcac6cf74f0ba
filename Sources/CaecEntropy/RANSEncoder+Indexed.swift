// Spec/entropy-coding.md §6.1: coding values that each name their own table.
extension RANSEncoder {
    /// Codes `symbols` as one stream, value `j` with `tables[tableIndices[j]]` (a conditional model: CompressAI's
    /// Gaussian conditional picks one of a fixed set of tables per latent element).
    ///
    /// The decoder reads the values back in natural order with `RANSDecoder.decode(_:tableIndices:tables:)`.
    ///
    /// - Parameters:
    ///   - symbols: The values, in the order they are decoded.
    ///   - tableIndices: One index into `tables` per value.
    ///   - tables: The tables the indices choose from.
    /// - Precondition: `tableIndices.count == symbols.count` and every index is below `tables.count`.
    /// - Returns: The finished stream.
    package static func encode(symbols: [Int32], tableIndices: [UInt8], tables: [FrequencyTable]) -> [UInt8] {
        precondition(tableIndices.count == symbols.count, "one table index per symbol")
        precondition(tableIndices.allSatisfy { Int($0) < tables.count }, "table index out of range")
        var encoder = RANSEncoder(capacity: symbols.count / 4 + 16)
        for j in symbols.indices.reversed() { encoder.encode(symbols[j], table: tables[Int(tableIndices[j])]) }
        return encoder.finish()
    }
}

extension RANSDecoder {
    /// Decodes a whole stream made by `RANSEncoder.encode(symbols:tableIndices:tables:)` and checks its end.
    ///
    /// - Parameters:
    ///   - bytes: The stream, exactly.
    ///   - tableIndices: One index into `tables` per value to decode, as the encoder used.
    ///   - tables: The tables the indices choose from.
    /// - Precondition: every index is below `tables.count` (the caller derives the indices, it does not read them).
    /// - Returns: `tableIndices.count` values.
    /// - Throws: `.truncated`, `.invalidInitialState`, `.escapeOverflow`, `.finalStateMismatch` or
    ///   `.trailingBytes` (Spec §4.5).
    package static func decode(
        _ bytes: ArraySlice<UInt8>, tableIndices: [UInt8], tables: [FrequencyTable]
    ) throws(EntropyError) -> [Int32] {
        precondition(tableIndices.allSatisfy { Int($0) < tables.count }, "table index out of range")
        var decoder = try RANSDecoder(bytes)
        var output = [Int32](repeating: 0, count: tableIndices.count)
        for j in tableIndices.indices { output[j] = try decoder.decode(table: tables[Int(tableIndices[j])]) }
        try decoder.finish()
        return output
    }
}
