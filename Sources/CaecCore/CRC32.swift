import CCaecZlib

/// CRC-32 (ISO 3309 / ITU-T V.42, the polynomial of PNG and zlib), computed by zlib.
public enum CRC32 {
    /// The CRC-32 of `bytes`, optionally continuing from a previous value.
    public static func checksum<Bytes: Collection>(_ bytes: Bytes, continuing previous: UInt32 = 0) -> UInt32
    where Bytes.Element == UInt8 {
        if let crc = bytes.withContiguousStorageIfAvailable({ update(previous, $0) }) {
            return crc
        }
        return Array(bytes).withUnsafeBufferPointer { update(previous, $0) }
    }

    private static func update(_ crc: UInt32, _ buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var value = UInt(crc)
        var base = buffer.baseAddress
        var remaining = buffer.count
        // zlib takes a 32-bit length: feed large buffers in chunks.
        while remaining > 0, let pointer = base {
            let chunk = min(remaining, 1 << 30)
            value = CCaecZlib.crc32(value, pointer, UInt32(chunk))
            base = pointer + chunk
            remaining -= chunk
        }
        return UInt32(truncatingIfNeeded: value)
    }
}
