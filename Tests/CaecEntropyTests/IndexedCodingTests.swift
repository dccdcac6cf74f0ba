import CaecTestSupport
import Testing

@testable import CaecEntropy

/// Spec/entropy-coding.md §6.1: values that each name their table (the hyperprior's y stream).
@Suite struct IndexedCodingTests {
    /// Tables of widening two-sided geometric histograms, so that the index matters.
    static let tables: [FrequencyTable] = (0..<6).map { k in
        let radius = 2 + 3 * k
        let histogram = (-radius...radius).map { UInt64(1000 >> min(abs($0) * 4 / (k + 1), 60) + 1) }
        return FrequencyTable.build(histogram: histogram, minSymbol: Int32(-radius), precisionBits: 15)
    }

    static func stream(seed: UInt64, count: Int) -> (values: [Int32], indices: [UInt8]) {
        var random = SeededRandom(seed: seed)
        var values: [Int32] = []
        var indices: [UInt8] = []
        for _ in 0..<count {
            let index = UInt8(random.next() % UInt64(tables.count))
            indices.append(index)
            values.append(Distribution.laplace(&random, ratio: 0.2 + 0.12 * Float(index), centre: 0))
        }
        values[count / 2] = Int32.min  // an escape far outside every table
        return (values, indices)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func roundTripsAndMatchesTheSpecifiedOrder(seed: UInt64) throws {
        let (values, indices) = Self.stream(seed: seed, count: 2000)
        let bytes = RANSEncoder.encode(symbols: values, tableIndices: indices, tables: Self.tables)
        #expect(try RANSDecoder.decode(bytes[...], tableIndices: indices, tables: Self.tables) == values)
        // §6.1 is §6 with a table per value: with one plane per value the per-channel coder gives the same bytes.
        let perValue = indices.map { Self.tables[Int($0)] }
        #expect(RANSEncoder.encode(symbols: values, planeSize: 1, tables: perValue) == bytes)
    }

    @Test func decodingWithOtherIndicesFailsOrDiffers() throws {
        let (values, indices) = Self.stream(seed: 7, count: 500)
        let bytes = RANSEncoder.encode(symbols: values, tableIndices: indices, tables: Self.tables)
        var other = indices
        other[3] = (other[3] + 1) % UInt8(Self.tables.count)
        let decoded = try? RANSDecoder.decode(bytes[...], tableIndices: other, tables: Self.tables)
        #expect(decoded != values)
    }

    @Test func everyTruncationThrowsTruncated() {
        let (values, indices) = Self.stream(seed: 4, count: 300)
        let bytes = RANSEncoder.encode(symbols: values, tableIndices: indices, tables: Self.tables)
        for length in 0..<bytes.count {
            #expect(throws: EntropyError.truncated(offset: length)) {
                try RANSDecoder.decode(bytes[..<length], tableIndices: indices, tables: Self.tables)
            }
        }
        #expect(throws: EntropyError.trailingBytes(count: 2)) {
            try RANSDecoder.decode((bytes + [1, 2])[...], tableIndices: indices, tables: Self.tables)
        }
    }
}
