import Testing

@testable import CaecEntropy

/// Spec/entropy-coding.md §7: the worked example is a test vector.
@Suite struct WorkedExampleTests {
    static let table = FrequencyTable.build(histogram: [1, 6, 1], escapeCount: 0, minSymbol: -1, precisionBits: 12)
    static let values: [Int32] = [0, 0, -1, 1, 0, 3, -3]
    static let streamBytes: [UInt8] = [0x4B, 0xE3, 0x49, 0xC7, 0xFF, 0xF4, 0x00, 0x05]

    @Test func tableFrequencies() {
        #expect(Self.table.frequencies == [513, 3070, 512, 1])
    }

    @Test func encodesToTheSpecBytes() {
        #expect(
            RANSEncoder.encode(symbols: Self.values, planeSize: Self.values.count, tables: [Self.table])
                == Self.streamBytes)
    }

    @Test func decodesWithTheSpecTrace() throws {
        var decoder = try RANSDecoder(Self.streamBytes[...])
        #expect(decoder.state == 0x4BE3_49C7)
        // (value, state after renormalisation, offset after) per Spec §7.2.
        let trace: [(Int32, UInt32, Int)] = [
            (0, 0x38E0_FB5E, 4), (0, 0x2AA1_A13F, 4), (-1, 0x0556_DF59, 4), (1, 0x00AA_DB5A, 4),
            (0, 0x0080_0FFF, 4), (3, 0x0080_0FFF, 6), (-3, 0x0080_0000, 8),
        ]
        for (value, state, offset) in trace {
            #expect(try decoder.decode(table: Self.table) == value)
            #expect(decoder.state == state)
            #expect(decoder.offset == offset)
        }
        try decoder.finish()
    }
}

extension WorkedExampleTests {
    @Test func everyPrefixOfTheExampleIsTruncated() {
        for length in 0..<Self.streamBytes.count {
            #expect(throws: EntropyError.truncated(offset: length)) {
                try RANSDecoder.decode(Self.streamBytes[..<length], planeSize: 7, tables: [Self.table])
            }
        }
    }
}
