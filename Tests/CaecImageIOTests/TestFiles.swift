import CaecCore
import CaecTestSupport

@testable import CaecImageIO

/// PNG and JPEG files built byte by byte, so each test states exactly what its input holds.
enum TestFiles {
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] { TestPNG.chunk(type, data) }
    static func png(_ image: RGBImage, ancillary: [UInt8] = []) -> [UInt8] { TestPNG.png(image, ancillary: ancillary) }
    static func storedZlib(_ data: [UInt8]) -> [UInt8] { TestPNG.storedZlib(data) }
    static func exifTIFF(orientation: UInt16) -> [UInt8] { TestPNG.exifTIFF(orientation: orientation) }
    static func be32(_ value: UInt32) -> [UInt8] { TestPNG.be32(value) }

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
}
