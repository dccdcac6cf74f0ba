import CaecTestSupport
import Testing

@testable import CaecEntropy

@Suite struct FrequencyTableSerializationTests {
    @Test(arguments: 12...16)
    func roundTrips(precisionBits: Int) throws {
        var random = SeededRandom(seed: 100 + UInt64(precisionBits))
        for _ in 0..<20 {
            let count = Int(random.next() % 300)
            let histogram = (0..<count).map { _ in random.next() % 10_000 }
            let minSymbol = Int32(truncatingIfNeeded: random.next()) >> Int32(random.next() % 32)
            let safeMin = min(minSymbol, Int32.max - Int32(count))
            let table = FrequencyTable.build(histogram: histogram, minSymbol: safeMin, precisionBits: precisionBits)
            let bytes = table.serialized()
            #expect(bytes.count == table.serializedByteCount)
            let parsed = try FrequencyTable(parsing: bytes[...])
            #expect(parsed == table)
            #expect(parsed.buckets == table.buckets && parsed.cumulative == table.cumulative)
            let (prefixTable, used) = try FrequencyTable.parsePrefix(of: (bytes + [9, 9, 9])[...])
            #expect(prefixTable == table && used == bytes.count)
        }
    }

    /// Spec §7.1: the worked example's table.
    @Test func workedExampleTableBytes() throws {
        let table = FrequencyTable.build(histogram: [1, 6, 1], minSymbol: -1, precisionBits: 12)
        let expected: [UInt8] = [
            0x01, 0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 0x03, 0x00, 0x00, 0x00, 0x00, 0x02, 0xFD, 0x0B, 0xFF, 0x01, 0x00, 0x00,
        ]
        #expect(table.serialized() == expected)
        let slice = ([0xAA] + expected + [0xBB])[1..<19]
        #expect(try FrequencyTable(parsing: slice) == table)
    }

    static let example: [UInt8] = [
        0x01, 0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 0x03, 0x00, 0x00, 0x00, 0x00, 0x02, 0xFD, 0x0B, 0xFF, 0x01, 0x00, 0x00,
    ]

    static func patched(_ changes: [Int: UInt8]) -> [UInt8] {
        var bytes = example
        for (offset, value) in changes { bytes[offset] = value }
        return bytes
    }

    static let invalidInputs: [(String, [UInt8], EntropyError.TableDefect)] = [
        ("empty", [], .truncated(needed: 10, available: 0)),
        ("short-header", Array(example.prefix(9)), .truncated(needed: 10, available: 9)),
        ("short-frequencies", Array(example.prefix(17)), .truncated(needed: 18, available: 17)),
        ("header-only", Array(example.prefix(10)), .truncated(needed: 18, available: 10)),
        ("trailing", example + [0], .trailingBytes(count: 1)),
        ("version-0", patched([0: 0]), .unsupportedVersion(0)),
        ("version-2", patched([0: 2]), .unsupportedVersion(2)),
        ("precision-11", patched([1: 11]), .precisionOutOfRange(11)),
        ("precision-255", patched([1: 255]), .precisionOutOfRange(255)),
        ("count-4096", patched([6: 0x00, 7: 0x10]), .tooManySymbols(count: 4097, limit: 4096)),
        ("count-huge", patched([6: 0xFF, 7: 0xFF, 8: 0xFF, 9: 0xFF]), .tooManySymbols(count: 1 << 32, limit: 4096)),
        (
            "range-overflow", patched([2: 0xFF, 3: 0xFF, 4: 0xFF, 5: 0x7F]),
            .symbolRangeOverflow(minSymbol: Int32.max, symbolCount: 3)
        ),
        ("sum-low", patched([14: 0xFE]), .frequencySumMismatch(expected: 4096, actual: 4095)),
        ("sum-high", patched([17: 0xFF]), .frequencySumMismatch(expected: 4096, actual: 4096 + 0xFF00)),
    ]

    @Test(arguments: invalidInputs)
    func invalidBytesThrowExactDefect(name: String, bytes: [UInt8], defect: EntropyError.TableDefect) {
        #expect(throws: EntropyError.invalidTable(defect), "\(name)") { try FrequencyTable(parsing: bytes[...]) }
    }

    @Test func randomGarbageNeverTraps() {
        var random = SeededRandom(seed: 77)
        for _ in 0..<2000 {
            var bytes = random.bytes(Int(random.next() % 40))
            if bytes.count > 2, random.next() % 2 == 0 {
                bytes[0] = 1
                bytes[1] = UInt8(12 + random.next() % 5)
            }
            _ = try? FrequencyTable(parsing: bytes[...])
        }
    }
}
