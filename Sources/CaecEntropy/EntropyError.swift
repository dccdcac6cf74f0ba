/// Why an entropy-coded stream or a frequency table was rejected.
///
/// Every case carries the evidence a test or a bug report needs. Byte offsets are counted from the first byte
/// of the slice that was handed to the decoder or parser, not from the start of any enclosing buffer.
package enum EntropyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Why a serialised or explicitly given frequency table is invalid (Spec/entropy-coding.md §3.3).
    package enum TableDefect: Equatable, Sendable {
        /// The table's bytes end before the table does.
        case truncated(needed: Int, available: Int)
        /// Bytes follow a complete table where the caller expected none.
        case trailingBytes(count: Int)
        /// The version byte is not one this implementation reads.
        case unsupportedVersion(UInt8)
        /// `precisionBits` is outside 12...16.
        case precisionOutOfRange(Int)
        /// The table has no frequencies at all, so no escape symbol.
        case missingEscape
        /// More symbols (escape included) than `1 << precisionBits`, so some would have frequency 0.
        case tooManySymbols(count: Int, limit: Int)
        /// `minSymbol + symbolCount - 1` does not fit in an `Int32`.
        case symbolRangeOverflow(minSymbol: Int32, symbolCount: Int)
        /// A frequency is 0 (`index == symbolCount` is the escape symbol).
        case zeroFrequency(index: Int)
        /// The frequencies do not add up to `1 << precisionBits`.
        case frequencySumMismatch(expected: Int, actual: Int)
    }

    /// The stream ended at `offset` where the decoder needed another byte.
    case truncated(offset: Int)
    /// All symbols were decoded but `count` bytes were left unread.
    case trailingBytes(count: Int)
    /// The first four bytes hold a state outside `[2^23, 2^31)`, which no encoder produces.
    case invalidInitialState(UInt32)
    /// After the last symbol the decoder's state is not the encoder's initial state.
    case finalStateMismatch(expected: UInt32, actual: UInt32)
    /// The escape payload of the symbol at position `symbolIndex` decodes to a value outside `Int32`.
    case escapeOverflow(symbolIndex: Int)
    /// A frequency table is invalid.
    case invalidTable(TableDefect)

    package var description: String {
        switch self {
        case .truncated(let offset):
            return "entropy stream truncated: byte \(offset) needed but the stream ends there"
        case .trailingBytes(let count):
            return "entropy stream has \(count) unread trailing byte(s)"
        case .invalidInitialState(let state):
            return "entropy stream starts with impossible state \(state) (must be in [2^23, 2^31))"
        case .finalStateMismatch(let expected, let actual):
            return "entropy stream final state \(actual) differs from initial state \(expected)"
        case .escapeOverflow(let symbolIndex):
            return "escaped value of symbol \(symbolIndex) does not fit in Int32"
        case .invalidTable(let defect):
            return "invalid frequency table: \(defect.description)"
        }
    }
}

extension EntropyError.TableDefect: CustomStringConvertible {
    package var description: String {
        switch self {
        case .truncated(let needed, let available):
            return "needs \(needed) bytes, only \(available) available"
        case .trailingBytes(let count):
            return "\(count) trailing byte(s) after the table"
        case .unsupportedVersion(let version):
            return "version \(version) is not supported (this reader knows version \(RANSConstants.tableVersion))"
        case .precisionOutOfRange(let bits):
            return "precision \(bits) bits is outside \(RANSConstants.precisionRange)"
        case .missingEscape:
            return "no frequencies (the escape symbol needs one)"
        case .tooManySymbols(let count, let limit):
            return "\(count) symbols including escape exceed the limit \(limit)"
        case .symbolRangeOverflow(let minSymbol, let symbolCount):
            return "symbols \(minSymbol) + \(symbolCount) exceed Int32"
        case .zeroFrequency(let index):
            return "symbol index \(index) has frequency 0"
        case .frequencySumMismatch(let expected, let actual):
            return "frequencies sum to \(actual), expected \(expected)"
        }
    }
}
