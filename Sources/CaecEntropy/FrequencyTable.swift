/// A static probability model over the integers `minSymbol ..< minSymbol + symbolCount` plus one escape symbol.
///
/// Symbol index `i < symbolCount` stands for the value `minSymbol + i`; index `symbolCount` is the escape symbol,
/// which announces a value outside the range (Spec/entropy-coding.md §3, §5). Frequencies are integers, every one
/// at least 1, adding up to exactly `1 << precisionBits`, so encoder and decoder agree bit for bit on every machine.
///
/// The table also holds the decoder's lookup structures (Spec §4.3): the cumulative frequencies and a bucket table
/// of `1 << RANSConstants.lookupBits` entries giving, for each run of `2^(precisionBits - lookupBits)` slots, the
/// symbol holding its first slot. A decode looks the bucket up and steps forward over the few symbol boundaries
/// inside the bucket (at most `2^(precisionBits - lookupBits) - 1` steps, almost always none). A full
/// slot-to-symbol table would be 64 KiB a channel at 15 bits and, across a latent's channels, fall out of cache:
/// it measured 3-4 times slower than this 2 KiB table.
package struct FrequencyTable: Sendable {
    /// Smallest value coded directly (symbol index 0).
    package let minSymbol: Int32
    /// Number of values coded directly; the escape symbol is not counted.
    package let symbolCount: Int
    /// `log2` of the frequency total, in `RANSConstants.precisionRange`.
    package let precisionBits: Int
    /// `symbolCount + 1` frequencies; the last one is the escape symbol's.
    package let frequencies: [UInt32]

    /// `symbolCount + 2` entries: `cumulative[i]` is the sum of the frequencies before index `i`, so symbol `i`
    /// owns the slots `cumulative[i] ..< cumulative[i + 1]` and the last entry is `1 << precisionBits`.
    let cumulative: [UInt32]
    /// Per bucket `b`: the symbol index owning slot `b << (precisionBits - lookupBits)`.
    let buckets: [UInt16]

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
    package func cumulativeFrequency(of index: Int) -> UInt32 { cumulative[index] }

    /// The symbol index owning `slot` (`0 ..< 1 << precisionBits`), as the decoder finds it (Spec §4.3).
    package func symbol(atSlot slot: UInt32) -> Int {
        var index = Int(buckets[Int(slot >> UInt32(precisionBits - RANSConstants.lookupBits))])
        while cumulative[index + 1] <= slot { index += 1 }
        return index
    }

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
        var cumulative = [UInt32](repeating: 0, count: frequencies.count + 1)
        for (index, frequency) in frequencies.enumerated() { cumulative[index + 1] = cumulative[index] + frequency }
        let shift = precisionBits - RANSConstants.lookupBits
        var buckets = [UInt16](repeating: 0, count: 1 << RANSConstants.lookupBits)
        var index = 0
        for bucket in buckets.indices {
            let slot = UInt32(bucket << shift)
            while cumulative[index + 1] <= slot { index += 1 }
            buckets[bucket] = UInt16(index)
        }
        self.cumulative = cumulative
        self.buckets = buckets
    }
}

extension FrequencyTable: Equatable {
    /// Tables are equal when they code identically; the lookup tables follow from the frequencies.
    package static func == (lhs: FrequencyTable, rhs: FrequencyTable) -> Bool {
        lhs.minSymbol == rhs.minSymbol && lhs.precisionBits == rhs.precisionBits && lhs.frequencies == rhs.frequencies
    }
}
