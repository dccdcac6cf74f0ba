import CaecTestSupport
import Testing

@testable import CaecEntropy

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct RANSRoundTripTests {
    @Test(arguments: Distribution.allCases, [12, 15, 16])
    func latentRoundTrips(distribution: Distribution, precisionBits: Int) throws {
        for (channels, planeSize) in [(1, 1), (3, 17), (8, 1000)] {
            let seed = UInt64(precisionBits * 1000 + channels)
            let (symbols, tables) = distribution.latent(
                channels: channels, planeSize: planeSize, precisionBits: precisionBits, seed: seed)
            let bytes = RANSEncoder.encode(symbols: symbols, planeSize: planeSize, tables: tables)
            let decoded = try RANSDecoder.decode(bytes[...], planeSize: planeSize, tables: tables)
            #expect(decoded == symbols)

            // The incremental API, pushing in reverse, makes the same bytes and reads them back.
            var encoder = RANSEncoder()
            for i in symbols.indices.reversed() { encoder.encode(symbols[i], table: tables[i / planeSize]) }
            #expect(encoder.finish() == bytes)
            var decoder = try RANSDecoder(bytes[...])
            for i in symbols.indices { #expect(try decoder.decode(table: tables[i / planeSize]) == symbols[i]) }
            try decoder.finish()
        }
    }

    @Test func emptyStreamIsTheInitialState() throws {
        let table = FrequencyTable.build(histogram: [1, 2, 1], minSymbol: -1)
        let bytes = RANSEncoder.encode(symbols: [], planeSize: 0, tables: [table, table])
        #expect(bytes == [0x00, 0x80, 0x00, 0x00])
        #expect(try RANSDecoder.decode(bytes[...], planeSize: 0, tables: [table, table]) == [])
        #expect(try RANSDecoder.decode(bytes[...], planeSize: 5, tables: []) == [])
        #expect(RANSEncoder().finish() == bytes)
    }

    @Test(arguments: 12...16)
    func escapeOnlyTableCodesEveryInt32(precisionBits: Int) throws {
        let table = try FrequencyTable(
            minSymbol: 0, frequencies: [UInt32(1 << precisionBits)], precisionBits: precisionBits)
        var random = SeededRandom(seed: 9)
        var values: [Int32] = [.min, .max, 0, -1, 1, .min + 1, .max - 1, 1 << 16, -(1 << 16), 65535, -65537]
        values += (0..<500).map { _ in Int32(truncatingIfNeeded: random.next()) >> Int32(random.next() % 32) }
        let bytes = RANSEncoder.encode(symbols: values, planeSize: values.count, tables: [table])
        #expect(try RANSDecoder.decode(bytes[...], planeSize: values.count, tables: [table]) == values)
    }

    @Test(arguments: [Int32.min, -5, 0, Int32.max - 3])
    func extremeTableRangesEscapeBothWays(minSymbol: Int32) throws {
        let table = FrequencyTable.build(histogram: [5, 9, 3, 1], escapeCount: 1, minSymbol: minSymbol)
        let values: [Int32] = [.min, .max, .min + 1, .max - 1, 0, minSymbol, minSymbol &+ 3, minSymbol &+ 4]
        let bytes = RANSEncoder.encode(symbols: values, planeSize: values.count, tables: [table])
        #expect(try RANSDecoder.decode(bytes[...], planeSize: values.count, tables: [table]) == values)
    }

    @Test func largestAlphabetRoundTrips() throws {
        let table = FrequencyTable.build(
            histogram: [UInt64](repeating: 1, count: (1 << 16) - 1), minSymbol: -30000, precisionBits: 16)
        var random = SeededRandom(seed: 3)
        let values = (0..<20000).map { _ in Int32(random.next() % 70000) - 32000 }
        let bytes = RANSEncoder.encode(symbols: values, planeSize: values.count, tables: [table])
        #expect(try RANSDecoder.decode(bytes[...], planeSize: values.count, tables: [table]) == values)
    }

    @Test func decodesFromASliceInsideALargerBuffer() throws {
        let table = FrequencyTable.build(histogram: [10, 50, 10], minSymbol: -1)
        let values: [Int32] = [0, 1, -1, 0, 0, 7, 0]
        let bytes = RANSEncoder.encode(symbols: values, planeSize: 7, tables: [table])
        let buffer: [UInt8] = [1, 2, 3] + bytes + [4, 5]
        let slice = buffer[3..<(3 + bytes.count)]
        #expect(try RANSDecoder.decode(slice, planeSize: 7, tables: [table]) == values)
        #expect(throws: EntropyError.trailingBytes(count: 2)) {
            try RANSDecoder.decode(buffer[3...], planeSize: 7, tables: [table])
        }
    }

    /// Coded size against the sample's empirical entropy (tables from the same histogram).
    @Test(arguments: [(Float(0.5), 15), (0.8, 15), (0.95, 14), (0.5, 12)])
    func sizeIsCloseToEmpiricalEntropy(ratio: Float, precisionBits: Int) {
        var random = SeededRandom(seed: 42)
        let count = 100_000
        let values = (0..<count).map { _ in Distribution.laplace(&random, ratio: ratio, centre: 0) }
        let low = values.min()!
        var histogram = [UInt64](repeating: 0, count: Int(values.max()! - low) + 1)
        for value in values { histogram[Int(value - low)] += 1 }
        var entropyBits = 0.0
        for h in histogram where h > 0 {
            let p = Double(h) / Double(count)
            entropyBits -= Double(h) * log2(p)
        }
        let table = FrequencyTable.build(histogram: histogram, minSymbol: low, precisionBits: precisionBits)
        let bytes = RANSEncoder.encode(symbols: values, planeSize: count, tables: [table])
        let bound = entropyBits / 8 * 1.01 + 8
        #expect(Double(bytes.count) <= bound, "\(bytes.count) bytes, entropy \(entropyBits / 8) bytes")
        #expect(Double(bytes.count) >= entropyBits / 8 - 8)
    }
}
