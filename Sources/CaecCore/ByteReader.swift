/// A bounds-checked cursor over bytes, little-endian. Every read that would pass the end throws instead.
package struct ByteReader {
    /// Thrown when a read needs more bytes than remain.
    package struct OutOfBytes: Error, Equatable {
        /// Offset of the read that failed.
        package let offset: Int
        /// Bytes the read needed.
        package let needed: Int
        /// Bytes that remained.
        package let available: Int

        package init(offset: Int, needed: Int, available: Int) {
            self.offset = offset
            self.needed = needed
            self.available = available
        }
    }

    package let bytes: [UInt8]
    /// Offset of the next byte to read, from the start of `bytes`.
    package private(set) var offset: Int

    package init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    package var remaining: Int { bytes.count - offset }
    package var isAtEnd: Bool { offset == bytes.count }

    package mutating func readBytes(_ count: Int) throws(OutOfBytes) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw OutOfBytes(offset: offset, needed: count, available: remaining)
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    package mutating func readUInt8() throws(OutOfBytes) -> UInt8 {
        try readBytes(1).first!
    }

    package mutating func readUInt16() throws(OutOfBytes) -> UInt16 {
        let b = try readBytes(2)
        return UInt16(b[b.startIndex]) | UInt16(b[b.startIndex + 1]) << 8
    }

    package mutating func readUInt32() throws(OutOfBytes) -> UInt32 {
        let b = try readBytes(4)
        var value: UInt32 = 0
        for (i, byte) in b.enumerated() { value |= UInt32(byte) << (8 * UInt32(i)) }
        return value
    }

    package mutating func readUInt64() throws(OutOfBytes) -> UInt64 {
        let b = try readBytes(8)
        var value: UInt64 = 0
        for (i, byte) in b.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        return value
    }

    /// Unsigned LEB128 (7 bits a byte, low groups first), at most `maxBytes` bytes and at most 64 bits.
    package mutating func readVarUInt(maxBytes: Int = 10) throws(OutOfBytes) -> UInt64? {
        var value: UInt64 = 0
        for i in 0..<maxBytes {
            let byte = try readUInt8()
            let group = UInt64(byte & 0x7F)
            if i == 9 && group > 1 { return nil }
            value |= group << (7 * UInt64(i))
            if byte & 0x80 == 0 { return value }
        }
        return nil
    }
}

/// Appends little-endian integers and bytes to a growing buffer.
package struct ByteWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    package mutating func write<Bytes: Sequence>(_ data: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: data)
    }
    package mutating func write(_ value: UInt8) { bytes.append(value) }
    package mutating func write(_ value: UInt16) {
        for i in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }
    package mutating func write(_ value: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }
    package mutating func write(_ value: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }
    /// Unsigned LEB128, the inverse of `ByteReader.readVarUInt`.
    package mutating func writeVarUInt(_ value: UInt64) {
        var v = value
        repeat {
            let group = UInt8(v & 0x7F)
            v >>= 7
            bytes.append(v == 0 ? group : group | 0x80)
        } while v != 0
    }
}
