extension FrequencyTable {
    /// Quantises integer counts into a table, with integer arithmetic only (Spec/entropy-coding.md §3.2).
    ///
    /// Each symbol first gets frequency 1; the remaining `R = 2^precisionBits - (symbolCount + 1)` is shared in
    /// proportion to the counts, rounding down, and the few units left over go to the largest remainders, ties to
    /// the lower symbol index (Hamilton's largest-remainder method). An all-zero histogram gives a uniform table.
    /// Any other implementation following §3.2 reproduces the same table exactly.
    ///
    /// - Parameters:
    ///   - histogram: Counts of the values `minSymbol, minSymbol + 1, ...`; its length is `symbolCount`.
    ///   - escapeCount: How often values outside the range were seen.
    ///   - minSymbol: The value of `histogram[0]`.
    ///   - precisionBits: `log2` of the frequency total, 12...16.
    /// - Precondition: `precisionBits` in 12...16, `histogram.count + 1 <= 1 << precisionBits`, the range fits in
    ///   `Int32`, and the counts add up without overflowing `UInt64`.
    package static func build(
        histogram: [UInt64], escapeCount: UInt64 = 0, minSymbol: Int32,
        precisionBits: Int = RANSConstants.defaultPrecisionBits
    ) -> FrequencyTable {
        precondition(RANSConstants.precisionRange.contains(precisionBits), "precisionBits must be in 12...16")
        let counts = histogram + [escapeCount]
        let symbols = counts.count
        precondition(symbols <= 1 << precisionBits, "too many symbols for precision \(precisionBits)")
        precondition(
            histogram.isEmpty || Int64(minSymbol) + Int64(histogram.count - 1) <= Int64(Int32.max),
            "symbol range exceeds Int32")
        var total: UInt64 = 0
        for count in counts {
            let (sum, overflow) = total.addingReportingOverflow(count)
            precondition(!overflow, "histogram total overflows UInt64")
            total = sum
        }
        // All-zero histogram: treat every count as 1.
        let weights = total == 0 ? [UInt64](repeating: 1, count: symbols) : counts
        let weightTotal = total == 0 ? UInt64(symbols) : total
        let spare = UInt64((1 << precisionBits) - symbols)

        var frequencies = [UInt32](repeating: 1, count: symbols)
        var remainders = [UInt64](repeating: 0, count: symbols)
        var assigned: UInt64 = 0
        for index in 0..<symbols {
            // weight * spare / weightTotal in 128 bits; the quotient is at most `spare` since weight <= total.
            let product = weights[index].multipliedFullWidth(by: spare)
            let (quotient, remainder) = weightTotal.dividingFullWidth(product)
            frequencies[index] += UInt32(quotient)
            remainders[index] = remainder
            assigned += quotient
        }
        let leftover = Int(spare - assigned)  // < symbols
        if leftover > 0 {
            let order = (0..<symbols).sorted {
                remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1
            }
            for index in order.prefix(leftover) { frequencies[index] += 1 }
        }
        return FrequencyTable(unchecked: minSymbol, frequencies: frequencies, precisionBits: precisionBits)
    }

    /// Quantises probabilities into a table, deterministically for the same `Double` inputs.
    ///
    /// Each probability `p` becomes the integer count `floor(p * 2^40)` (exact in IEEE 754 arithmetic), then
    /// `build(histogram:escapeCount:minSymbol:precisionBits:)` applies. Meant for the training side; decoders read
    /// the resulting integer table and never see a float.
    ///
    /// - Parameters:
    ///   - probabilities: Probabilities of `minSymbol, minSymbol + 1, ...`, each in `[0, 1]`; need not sum to 1.
    ///   - escapeProbability: Probability mass of all values outside the range, in `[0, 1]`.
    ///   - minSymbol: The value of `probabilities[0]`.
    ///   - precisionBits: `log2` of the frequency total, 12...16.
    /// - Precondition: every probability is finite and in `[0, 1]`, plus those of `build(histogram:...)`.
    package static func build(
        probabilities: [Double], escapeProbability: Double, minSymbol: Int32,
        precisionBits: Int = RANSConstants.defaultPrecisionBits
    ) -> FrequencyTable {
        func count(_ probability: Double) -> UInt64 {
            precondition(probability >= 0 && probability <= 1, "probability \(probability) is not in [0, 1]")
            return UInt64((probability * 0x1p40).rounded(.towardZero))
        }
        return build(
            histogram: probabilities.map(count), escapeCount: count(escapeProbability), minSymbol: minSymbol,
            precisionBits: precisionBits)
    }
}
