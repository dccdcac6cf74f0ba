/// A static probability model over the integers `minSymbol ..< minSymbol + symbolCount` plus one escape symbol.
///
/// Symbol index `i < symbolCount` stands for the value `minSymbol + i`; index `symbolCount` is the escape symbol,
/// which announces a value outside the range (Spec/entropy-coding.md §3, §5). Frequencies are integers, every one
/// at least 1, adding up to exactly `1 << precisionBits`, so encoder and decoder agree bit for bit on every machine.
///
/// The table also holds the decoder's lookup structures: a slot-to-symbol table of `1 << precisionBits` entries
/// (64 KiB at the default precision of 15 bits) and a packed per-symbol (frequency, cumulative) table.
package struct FrequencyTable: Sendable {
    /// Smallest value coded directly (symbol index 0).
    package let minSymbol: Int32
    /// Number of values coded directly; the escape symbol is not counted.
    package let symbolCount: Int
    /// `log2` of the frequency total, in `RANSConstants.precisionRange`.
    package let precisionBits: Int
    /// `symbolCount + 1` frequencies; the last one is the escape symbol's.
    package let frequencies: [UInt32]

    /// Per symbol index: `(frequency - 1) | cumulative << 16`, both fit in 16 bits (Spec §3.2).
    let packed: [UInt32]
    /// Per slot `0 ..< 1 << precisionBits`: the symbol index whose interval holds the slot.
    let slotToSymbol: [UInt16]

    /// Makes a table from explicit frequencies, checking every rule of Spec §3.1.
    ///
    /// - Parameters:
    ///   - minSymbol: The value of symbol index 0.
    ///   - frequencies: One frequency per value of the range followed by the escape symbol's frequency.
    ///   - precisionBits: `log2` of the required frequency total, 12...16.
    /// - Throws: `EntropyError.invalidTable` with the first rule broken, in the order of Spec §3.1.
    package init(
        minSymbol: Int32, frequencies: [UInt32], precisionBits: Int = RANSConstants.defaultPrecisionBits
    ) throws(EntropyError) {
        try Self.validate(minSymbol: minSymbol, frequencies: frequencies, precisionBits: precisionBits)
        self.init(unchecked: minSymbol, frequencies: frequencies, precisionBits: precisionBits)
    }

    /// The escape symbol's index.
    package var escapeIndex: Int { symbolCount }

    /// The frequency total, `1 << precisionBits`.
    package var total: Int { 1 << precisionBits }

    /// Whether `value` is coded directly rather than escaped.
    package func contains(_ value: Int32) -> Bool {
        let index = Int64(value) - Int64(minSymbol)
        return index >= 0 && index < Int64(symbolCount)
    }

    /// Cumulative frequency of the symbols before `index` (the start of its slot interval).
    package func cumulativeFrequency(of index: Int) -> UInt32 { packed[index] >> 16 }

    // Spec/entropy-coding.md §3.1: the checks, in this order.
    static func validate(minSymbol: Int32, frequencies: [UInt32], precisionBits: Int) throws(EntropyError) {
        guard RANSConstants.precisionRange.contains(precisionBits) else {
            throw .invalidTable(.precisionOutOfRange(precisionBits))
        }
        guard !frequencies.isEmpty else { throw .invalidTable(.missingEscape) }
        let limit = 1 << precisionBits
        guard frequencies.count <= limit else {
            throw .invalidTable(.tooManySymbols(count: frequencies.count, limit: limit))
        }
        let symbolCount = frequencies.count - 1
        guard symbolCount == 0 || Int64(minSymbol) + Int64(symbolCount - 1) <= Int64(Int32.max) else {
            throw .invalidTable(.symbolRangeOverflow(minSymbol: minSymbol, symbolCount: symbolCount))
        }
        if let zero = frequencies.firstIndex(of: 0) { throw .invalidTable(.zeroFrequency(index: zero)) }
        // At most 65536 terms below 2^32 each: no overflow in Int.
        let sum = frequencies.reduce(0) { $0 + Int($1) }
        guard sum == limit else { throw .invalidTable(.frequencySumMismatch(expected: limit, actual: sum)) }
    }

    /// Builds the lookup tables; the caller has validated the inputs.
    init(unchecked minSymbol: Int32, frequencies: [UInt32], precisionBits: Int) {
        self.minSymbol = minSymbol
        self.symbolCount = frequencies.count - 1
        self.precisionBits = precisionBits
        self.frequencies = frequencies
        var packed = [UInt32](repeating: 0, count: frequencies.count)
        var slotToSymbol = [UInt16](repeating: 0, count: 1 << precisionBits)
        var cumulative: UInt32 = 0
        for (index, frequency) in frequencies.enumerated() {
            // frequency - 1 <= 65535 because every other symbol holds at least 1 of the 2^16 slots;
            // cumulative <= 2^16 - 1 likewise.
            packed[index] = (frequency - 1) | cumulative << 16
            let start = Int(cumulative)
            for slot in start..<start + Int(frequency) { slotToSymbol[slot] = UInt16(truncatingIfNeeded: index) }
            cumulative += frequency
        }
        self.packed = packed
        self.slotToSymbol = slotToSymbol
    }
}

extension FrequencyTable: Equatable {
    /// Tables are equal when they code identically; the lookup tables follow from the frequencies.
    package static func == (lhs: FrequencyTable, rhs: FrequencyTable) -> Bool {
        lhs.minSymbol == rhs.minSymbol && lhs.precisionBits == rhs.precisionBits && lhs.frequencies == rhs.frequencies
    }
}
