/// The mapping between an out-of-range value and its escape payload (Spec/entropy-coding.md §5).
///
/// A value above the range `[minSymbol, minSymbol + symbolCount)` is sent as `distance = value - (minSymbol +
/// symbolCount) + 1`, one below as `distance = minSymbol - value`; either way `1 <= distance <= 2^32`, and every
/// payload maps to a value outside the range, so each value has exactly one code.
enum EscapeCode {
    /// The side (`below`) and the distance of `value`, which lies outside `table`'s range.
    static func split(_ value: Int32, table: FrequencyTable) -> (below: Bool, distance: UInt64) {
        let low = Int64(table.minSymbol)
        let end = low + Int64(table.symbolCount)
        let v = Int64(value)
        return v < low ? (true, UInt64(low - v)) : (false, UInt64(v - end + 1))
    }

    /// The value of a payload, or nil when it falls outside `Int32`.
    static func join(below: Bool, distance: UInt64, table: FrequencyTable) -> Int32? {
        let low = Int64(table.minSymbol)
        let end = low + Int64(table.symbolCount)
        // distance <= 2^33 - 1 here, so neither line overflows Int64.
        let v = below ? low - Int64(distance) : end + Int64(distance) - 1
        return Int32(exactly: v)
    }
}
