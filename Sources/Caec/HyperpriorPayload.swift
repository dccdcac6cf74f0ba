import CaecCore

/// The payload of a hyperprior model (Spec/cae-format.md §9.1): the z stream's length as ULEB128, the z stream,
/// then the y stream, which runs to the end of the payload.
enum HyperpriorPayload {
    /// A ULEB128 length has at most this many bytes (lengths below 2^35; the payload limit is 2^30).
    static let maxLengthBytes = 5

    /// `z_length`, the z stream, the y stream.
    static func join(z: [UInt8], y: [UInt8]) -> [UInt8] {
        var writer = ByteWriter(capacity: maxLengthBytes + z.count + y.count)
        writer.writeVarUInt(UInt64(z.count))
        writer.write(z)
        writer.write(y)
        return writer.bytes
    }

    /// The z and y streams of `payload`.
    ///
    /// - Throws: `.invalidFile` when the length is unterminated, longer than 5 bytes or not minimal, or when it
    ///   exceeds the bytes that follow it.
    static func split(_ payload: ArraySlice<UInt8>) throws(CaecError) -> (z: ArraySlice<UInt8>, y: ArraySlice<UInt8>) {
        var length = 0
        var index = payload.startIndex
        var shift = 0
        while true {
            guard index < payload.endIndex else {
                throw CaecError(.invalidFile, "payload: the z stream's length is truncated")
            }
            let byte = payload[index]
            index += 1
            length |= Int(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 {
                guard byte != 0 || shift == 7 else {
                    throw CaecError(.invalidFile, "payload: the z stream's length is not minimally encoded")
                }
                break
            }
            guard shift < 7 * maxLengthBytes else {
                throw CaecError(.invalidFile, "payload: the z stream's length is longer than \(maxLengthBytes) bytes")
            }
        }
        let available = payload.endIndex - index
        guard length <= available else {
            throw CaecError(
                .invalidFile, "payload: the z stream's length \(length) exceeds the \(available) bytes that follow it")
        }
        return (payload[index..<index + length], payload[(index + length)...])
    }
}
