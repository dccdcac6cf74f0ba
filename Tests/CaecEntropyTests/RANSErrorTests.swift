import CaecTestSupport
import Testing

@testable import CaecEntropy

@Suite struct RANSErrorTests {
    static let table = FrequencyTable.build(histogram: [1, 6, 1], minSymbol: -1, precisionBits: 12)

    func stream(seed: UInt64, count: Int) -> (values: [Int32], bytes: [UInt8]) {
        var random = SeededRandom(seed: seed)
        let values = (0..<count).map { _ in Distribution.laplace(&random, ratio: 0.7, centre: 0) }
        return (values, RANSEncoder.encode(symbols: values, planeSize: count, tables: [Self.table]))
    }

    /// Cutting a valid stream anywhere makes the decoder ask for exactly the first missing byte.
    @Test(arguments: [1, 2, 3])
    func everyTruncationReportsTheMissingByte(seed: UInt64) {
        let (values, bytes) = stream(seed: seed, count: 400)
        for length in 0..<bytes.count {
            #expect(throws: EntropyError.truncated(offset: length)) {
                try RANSDecoder.decode(bytes[..<length], planeSize: values.count, tables: [Self.table])
            }
        }
    }

    @Test(arguments: [1, 5, 100])
    func appendedBytesAreTrailing(extra: Int) {
        let (values, bytes) = stream(seed: 4, count: 300)
        #expect(throws: EntropyError.trailingBytes(count: extra)) {
            try RANSDecoder.decode(
                (bytes + [UInt8](repeating: 0x5A, count: extra))[...], planeSize: values.count, tables: [Self.table])
        }
    }

    static let impossibleStates: [([UInt8], UInt32)] = [
        ([0x00, 0x7F, 0xFF, 0xFF], 0x007F_FFFF), ([0x80, 0, 0, 0], 0x8000_0000), ([0, 0, 0, 0], 0),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0x12], 0xFFFF_FFFF),
    ]

    @Test(arguments: impossibleStates)
    func impossibleInitialState(bytes: [UInt8], state: UInt32) {
        #expect(throws: EntropyError.invalidInitialState(state)) { try RANSDecoder(bytes[...]) }
    }

    @Test func decodingTooFewSymbolsLeavesAnotherState() {
        // Spec §7.2 trace: after six of the seven values the state is 0x00800FFF at offset 6.
        let bytes = WorkedExampleTests.streamBytes
        #expect(throws: EntropyError.finalStateMismatch(expected: 0x0080_0000, actual: 0x0080_0FFF)) {
            try RANSDecoder.decode(bytes[...], planeSize: 6, tables: [WorkedExampleTests.table])
        }
    }

    @Test func decodingTooManySymbolsRunsOutOfBytes() {
        let (values, bytes) = stream(seed: 8, count: 50)
        #expect(throws: EntropyError.truncated(offset: bytes.count)) {
            try RANSDecoder.decode(bytes[...], planeSize: values.count + 40, tables: [Self.table])
        }
    }

    /// An escape payload with 33 prefix zeros, or one naming a value past Int32, is rejected with its position.
    @Test(arguments: [(false, UInt64(1) << 33), (false, UInt64(1) << 32), (true, (UInt64(1) << 32) - 1)])
    func escapePayloadOutsideInt32(below: Bool, distance: UInt64) throws {
        // Table range [-1, 2): above, distance 2^32 names 2 + 2^32 - 1; below, 2^32 - 1 names -2^32.
        var encoder = RANSEncoder()
        encoder.pushEscapePayload(below: below, distance: distance)
        encoder.put(symbol: Self.table.escapeIndex, table: Self.table)
        encoder.encode(0, table: Self.table)
        encoder.encode(1, table: Self.table)
        let bytes = encoder.finish()
        #expect(throws: EntropyError.escapeOverflow(symbolIndex: 2)) {
            try RANSDecoder.decode(bytes[...], planeSize: 3, tables: [Self.table])
        }
        var decoder = try RANSDecoder(bytes[...])
        #expect(try decoder.decode(table: Self.table) == 1)
        #expect(try decoder.decode(table: Self.table) == 0)
        #expect(throws: EntropyError.escapeOverflow(symbolIndex: 2)) { try decoder.decode(table: Self.table) }
    }

    @Test func largestDistancesThatFitDecode() throws {
        // Range [0, 1): Int32.max is 2^31 - 1 above, Int32.min is 2^31 below.
        let table = FrequencyTable.build(histogram: [1], minSymbol: 0, precisionBits: 12)
        let values: [Int32] = [.max, .min]
        let bytes = RANSEncoder.encode(symbols: values, planeSize: 2, tables: [table])
        #expect(try RANSDecoder.decode(bytes[...], planeSize: 2, tables: [table]) == values)
    }

    /// Random bytes of every small length and random corruptions of valid streams: never a trap, and when
    /// the decoder fails it says why with an `EntropyError` (typed throws guarantee the type).
    @Test(arguments: [12, 16])
    func garbageNeverTraps(precisionBits: Int) {
        var random = SeededRandom(seed: UInt64(precisionBits))
        let tables = Distribution.laplaceWide.latent(
            channels: 2, planeSize: 1, precisionBits: precisionBits, seed: 1
        ).tables
        var failures = 0
        for trial in 0..<3000 {
            var bytes = random.bytes(Int(random.next() % 64))
            if trial % 2 == 0 && bytes.count >= 4 {
                bytes[0] = UInt8(random.next() % 0x80)  // a plausible initial state more often
            }
            let planeSize = Int(random.next() % 100)
            do {
                _ = try RANSDecoder.decode(bytes[...], planeSize: planeSize, tables: tables)
            } catch {
                failures += 1
            }
        }
        #expect(failures > 2900)
        let (values, valid) = stream(seed: 11, count: 2000)
        for _ in 0..<500 {
            var corrupt = valid
            corrupt[Int(random.next() % UInt64(corrupt.count))] ^= UInt8(1 + random.next() % 255)
            if let decoded = try? RANSDecoder.decode(corrupt[...], planeSize: values.count, tables: [Self.table]) {
                #expect(decoded.count == values.count)
            }
        }
    }
}
