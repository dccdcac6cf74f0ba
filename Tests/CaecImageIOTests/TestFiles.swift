import CaecCore

@testable import CaecImageIO

/// PNG and JPEG files built byte by byte, so each test states exactly what its input holds.
enum TestFiles {
    /// One PNG chunk: length, type, data, CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        precondition(typeBytes.count == 4, "chunk type must be 4 letters")
        return be32(UInt32(data.count)) + typeBytes + data + be32(CRC32.checksum(typeBytes + data))
    }

    /// An 8-bit RGB, non-interlaced PNG of `image`, with `ancillary` chunks (already framed by `chunk`) between
    /// IHDR and IDAT. The IDAT holds a zlib stream of stored (uncompressed) deflate blocks, filter type 0.
    static func png(_ image: RGBImage, ancillary: [UInt8] = []) -> [UInt8] {
        var raw: [UInt8] = []
        for y in 0..<image.height {
            raw.append(0)
            raw += image.pixels[(y * image.width * 3)..<((y + 1) * image.width * 3)]
        }
        let header = be32(UInt32(image.width)) + be32(UInt32(image.height)) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + ancillary
            + chunk("IDAT", storedZlib(raw)) + chunk("IEND", [])
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4) holding `data`.
    static func storedZlib(_ data: [UInt8]) -> [UInt8] {
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
    static func exifTIFF(orientation: UInt16) -> [UInt8] {
        [0x4D, 0x4D, 0x00, 0x2A] + be32(8) + [0x00, 0x01]
            + [0x01, 0x12, 0x00, 0x03] + be32(1) + [UInt8(orientation >> 8), UInt8(orientation & 0xFF), 0, 0]
            + be32(0)
    }

    /// A `width` x `height` image whose every pixel is distinct, so any misplaced pixel shows.
    static func distinctImage(width: Int, height: Int) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width { pixels += [UInt8(x * 40 + 10), UInt8(y * 50 + 20), UInt8((x + y * width) * 7)] }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The offset of the first `FF marker` segment of a JPEG.
    static func offset(ofMarker marker: UInt8, in jpeg: [UInt8]) -> Int? {
        var offset = 2
        while offset + 4 <= jpeg.count, jpeg[offset] == 0xFF {
            if jpeg[offset + 1] == marker { return offset }
            offset += 2 + Int(jpeg[offset + 2]) << 8 + Int(jpeg[offset + 3])
        }
        return nil
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
