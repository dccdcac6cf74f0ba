import CaecTestSupport
import Testing

@testable import CaecEntropy

@Suite struct FrequencyTableBuildingTests {
    /// Checks the invariants of Spec §3.1 on a built table.
    func expectValid(_ table: FrequencyTable, symbolCount: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(table.frequencies.count == symbolCount + 1, sourceLocation: sourceLocation)
        #expect(table.frequencies.allSatisfy { $0 >= 1 }, sourceLocation: sourceLocation)
        #expect(
            table.frequencies.reduce(0) { $0 + Int($1) } == 1 << table.precisionBits, sourceLocation: sourceLocation)
        #expect(
            throws: Never.self, sourceLocation: sourceLocation,
            performing: {
                try FrequencyTable.validate(
                    minSymbol: table.minSymbol, frequencies: table.frequencies, precisionBits: table.precisionBits)
            })
    }

    @Test(arguments: 12...16)
    func randomHistogramsGiveValidTables(precisionBits: Int) {
        var random = SeededRandom(seed: UInt64(precisionBits))
        for trial in 0..<60 {
            let maxCount = min(1 << precisionBits - 1, 600)
            let count = trial == 0 ? (1 << precisionBits) - 1 : Int(random.next() % UInt64(maxCount + 1))
            let scale: UInt64 = [1, 1000, 1 << 40, UInt64.max >> 17][trial % 4]
            let histogram = (0..<count).map { _ in random.next() % scale }
            let table = FrequencyTable.build(
                histogram: histogram, escapeCount: random.next() % 3, minSymbol: -Int32(count / 2),
                precisionBits: precisionBits)
            expectValid(table, symbolCount: count)
        }
    }

    @Test(arguments: 12...16)
    func degenerateHistograms(precisionBits: Int) {
        let total = 1 << precisionBits
        let zero = FrequencyTable.build(histogram: [0, 0, 0, 0, 0], minSymbol: 0, precisionBits: precisionBits)
        expectValid(zero, symbolCount: 5)
        #expect(zero.frequencies.max()! - zero.frequencies.min()! <= 1)
        let empty = FrequencyTable.build(histogram: [], minSymbol: 7, precisionBits: precisionBits)
        #expect(empty.frequencies == [UInt32(total)])
        let oneHot = FrequencyTable.build(histogram: [0, 0, 9, 0], minSymbol: -2, precisionBits: precisionBits)
        #expect(oneHot.frequencies == [1, 1, UInt32(total - 4), 1, 1])
        let huge = FrequencyTable.build(histogram: [UInt64.max - 1, 1], minSymbol: 0, precisionBits: precisionBits)
        #expect(huge.frequencies == [UInt32(total - 2), 1, 1])
        let full = FrequencyTable.build(
            histogram: [UInt64](repeating: 5, count: total - 1), minSymbol: Int32.max - Int32(total - 2),
            precisionBits: precisionBits)
        #expect(full.frequencies == [UInt32](repeating: 1, count: total))
    }

    /// Spec §3.2 worked by hand: R = 4092, floors 511 r4, 3069 r0, 511 r4, 0 r0; the one leftover unit goes to
    /// the first of the two largest remainders.
    @Test func largestRemainderTieGoesToLowerIndex() {
        let table = FrequencyTable.build(histogram: [1, 6, 1], minSymbol: -1, precisionBits: 12)
        #expect(table.frequencies == [513, 3070, 512, 1])
        let uniform = FrequencyTable.build(histogram: [0, 0, 0, 0, 0], minSymbol: 0, precisionBits: 12)
        #expect(uniform.frequencies == [683, 683, 683, 683, 682, 682])
    }

    @Test func probabilitiesAreScaledExactly() {
        let table = FrequencyTable.build(
            probabilities: [0.25, 0.5, 0.25], escapeProbability: 0, minSymbol: -1, precisionBits: 12)
        #expect(table.frequencies == [1024, 2047, 1024, 1])
        let histogramTable = FrequencyTable.build(
            histogram: [1 << 38, 1 << 39, 1 << 38], minSymbol: -1, precisionBits: 12)
        #expect(table == histogramTable)
        var random = SeededRandom(seed: 5)
        let probabilities = (0..<40).map { _ in Double(random.float(in: 0..<1)) }
        let a = FrequencyTable.build(probabilities: probabilities, escapeProbability: 1e-4, minSymbol: -20)
        let b = FrequencyTable.build(probabilities: probabilities, escapeProbability: 1e-4, minSymbol: -20)
        #expect(a.frequencies == b.frequencies)
        expectValid(a, symbolCount: 40)
    }

    @Test func slotLookupMatchesCumulativeFrequencies() {
        let table = FrequencyTable.build(
            histogram: [3, 0, 7, 1, 1000], escapeCount: 2, minSymbol: 4, precisionBits: 12)
        var slot = 0
        for (index, frequency) in table.frequencies.enumerated() {
            #expect(table.cumulativeFrequency(of: index) == UInt32(slot))
            for s in slot..<slot + Int(frequency) { #expect(table.symbol(atSlot: UInt32(s)) == index) }
            slot += Int(frequency)
        }
    }

    static let invalidTables: [(Int32, [UInt32], Int, EntropyError.TableDefect)] = [
        (0, [4096], 11, .precisionOutOfRange(11)),
        (0, [1 << 17], 17, .precisionOutOfRange(17)),
        (0, [], 12, .missingEscape),
        (0, [UInt32](repeating: 1, count: 4097), 12, .tooManySymbols(count: 4097, limit: 4096)),
        (Int32.max, [4000, 95, 1], 12, .symbolRangeOverflow(minSymbol: Int32.max, symbolCount: 2)),
        (0, [4000, 0, 96], 12, .zeroFrequency(index: 1)),
        (0, [4000, 96, 0], 12, .zeroFrequency(index: 2)),
        (0, [4000, 95], 12, .frequencySumMismatch(expected: 4096, actual: 4095)),
        (0, [UInt32.max, UInt32.max], 12, .frequencySumMismatch(expected: 4096, actual: 2 * Int(UInt32.max))),
    ]

    @Test(arguments: invalidTables)
    func explicitFrequenciesAreValidated(
        minSymbol: Int32, frequencies: [UInt32], precisionBits: Int, defect: EntropyError.TableDefect
    ) {
        #expect(throws: EntropyError.invalidTable(defect)) {
            try FrequencyTable(minSymbol: minSymbol, frequencies: frequencies, precisionBits: precisionBits)
        }
    }

    @Test func largestTableAtTheTopOfInt32IsAccepted() throws {
        let table = try FrequencyTable(minSymbol: Int32.max - 1, frequencies: [4000, 95, 1], precisionBits: 12)
        #expect(table.contains(Int32.max) && !table.contains(Int32.min))
    }
}
