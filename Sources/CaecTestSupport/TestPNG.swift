import CaecCore

/// PNG pieces built byte by byte (chunks, stored zlib streams, EXIF), so each test states exactly what its input
/// holds.
public enum TestPNG {
    /// One PNG chunk: length, type, data, CRC-32 of type and data.
    public static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        precondition(typeBytes.count == 4, "chunk type must be 4 letters")
        return be32(UInt32(data.count)) + typeBytes + data + be32(CRC32.checksum(typeBytes + data))
    }

    /// An 8-bit RGB, non-interlaced PNG of `image`, with `ancillary` chunks (already framed by `chunk`) between
    /// IHDR and IDAT. The IDAT holds a zlib stream of stored (uncompressed) deflate blocks, filter type 0.
    public static func png(_ image: RGBImage, ancillary: [UInt8] = []) -> [UInt8] {
        var raw: [UInt8] = []
        for y in 0..<image.height {
            raw.append(0)
            raw += image.pixels[(y * image.width * 3)..<((y + 1) * image.width * 3)]
        }
        let header = be32(UInt32(image.width)) + be32(UInt32(image.height)) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + ancillary
            + chunk("IDAT", storedZlib(raw)) + chunk("IEND", [])
    }

    /// An 8-bit gray (colour type 0) PNG of `samples` (`width * height` bytes), with `ancillary` chunks.
    public static func grayPNG(width: Int, height: Int, samples: [UInt8], ancillary: [UInt8] = []) -> [UInt8] {
        var raw: [UInt8] = []
        for y in 0..<height { raw += [0] + samples[(y * width)..<((y + 1) * width)] }
        let header = be32(UInt32(width)) + be32(UInt32(height)) + [8, 0, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + ancillary
            + chunk("IDAT", storedZlib(raw)) + chunk("IEND", [])
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4) holding `data`.
    public static func storedZlib(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65535, data.count - offset)
            let final: UInt8 = offset + count == data.count ? 1 : 0
            out += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[offset..<(offset + count)]
            offset += count
        } while offset < data.count
        var (a, b): (UInt32, UInt32) = (1, 0)
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + be32(b << 16 | a)
    }

    /// A big-endian TIFF structure with one IFD0 entry, Orientation (SHORT) = `orientation`: the payload of a PNG
    /// eXIf chunk.
    public static func exifTIFF(orientation: UInt16) -> [UInt8] {
        [0x4D, 0x4D, 0x00, 0x2A] + be32(8) + [0x00, 0x01]
            + [0x01, 0x12, 0x00, 0x03] + be32(1) + [UInt8(orientation >> 8), UInt8(orientation & 0xFF), 0, 0]
            + be32(0)
    }

    public static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
