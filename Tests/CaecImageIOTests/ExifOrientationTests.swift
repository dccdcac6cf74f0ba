import CaecCore
import Testing

@testable import CaecImageIO

@Suite struct ExifOrientationTests {
    /// An APP1 segment holding a big- or little-endian TIFF with one IFD0 entry: Orientation (SHORT) = `value`.
    static func exifSegment(orientation value: UInt16, bigEndian: Bool) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] {
            bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)]
        }
        func u32(_ v: UInt32) -> [UInt8] {
            bigEndian ? u16(UInt16(v >> 16)) + u16(UInt16(v & 0xFFFF)) : u16(UInt16(v & 0xFFFF)) + u16(UInt16(v >> 16))
        }
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        tiff += u16(42) + u32(8)
        tiff += u16(2)  // two entries: an unrelated one first
        tiff += u16(0x010F) + u16(2) + u32(4) + Array("caec".utf8)  // Make, ASCII[4], inline
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(value) + u16(0)
        tiff += u32(0)  // no next IFD
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = UInt16(payload.count + 2)
        return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    /// `jpeg` with `segment` inserted right after SOI.
    static func inserting(_ segment: [UInt8], into jpeg: [UInt8]) -> [UInt8] {
        Array(jpeg[..<2]) + segment + Array(jpeg[2...])
    }

    /// 16x8, left half red, right half blue, stored as 4:4:4 JPEG.
    static func halvesJPEG() throws -> [UInt8] {
        var pixels: [UInt8] = []
        for _ in 0..<8 {
            for x in 0..<16 { pixels += x < 8 ? [255, 0, 0] : [0, 0, 255] }
        }
        return try JPEGWriter.encode(RGBImage(width: 16, height: 8, pixels: pixels), quality: 95, subsampling: .yuv444)
    }

    @Test(arguments: ExifOrientation.allCases, [false, true])
    func appliedExactly(orientation: ExifOrientation, bigEndian: Bool) throws {
        let plain = try Self.halvesJPEG()
        let stored = try ImageReader.read(plain)
        let tagged = Self.inserting(
            Self.exifSegment(orientation: orientation.rawValue, bigEndian: bigEndian), into: plain)
        let upright = try ImageReader.read(tagged)
        #expect(upright == orientation.apply(to: stored))
        #expect(upright.width == (orientation.swapsAxes ? 8 : 16))
    }

    /// The meaning of the tags, independent of `sourceCoordinates`: where the stored left (red) half ends up.
    @Test(arguments: [
        (ExifOrientation.up, "left"), (.upMirrored, "right"), (.down, "right"), (.downMirrored, "left"),
        (.leftMirrored, "top"), (.right, "top"), (.rightMirrored, "bottom"), (.left, "bottom"),
    ])
    func redHalfLandsWhereExpected(orientation: ExifOrientation, side: String) throws {
        let tagged = Self.inserting(
            Self.exifSegment(orientation: orientation.rawValue, bigEndian: true), into: try Self.halvesJPEG())
        let image = try ImageReader.read(tagged)
        func isRed(_ x: Int, _ y: Int) -> Bool { image[x, y].r > 200 && image[x, y].b < 60 }
        let (w, h) = (image.width, image.height)
        let probe: (Int, Int) =
            switch side {
            case "left": (1, h / 2)
            case "right": (w - 2, h / 2)
            case "top": (w / 2, 1)
            default: (w / 2, h - 2)
            }
        let opposite = (w - 1 - probe.0, h - 1 - probe.1)
        #expect(isRed(probe.0, probe.1))
        #expect(!isRed(opposite.0, opposite.1))
    }

    @Test(
        arguments: [
            [],
            Array("II*\u{0}".utf8),
            [0x4D, 0x4D, 0x00, 0x2A, 0xFF, 0xFF, 0xFF, 0xFF],  // IFD offset far past the end
            [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0xFF, 0xFF],  // 65535 entries, none present
            [0x49, 0x49, 0x2B, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00],  // BigTIFF magic
        ] as [[UInt8]])
    func malformedTIFFHasNoOrientation(tiff: [UInt8]) {
        #expect(ExifOrientation(tiff: tiff) == nil)
    }

    @Test(arguments: [0, 9, 0xFFFF] as [UInt16])
    func outOfRangeValuesAreIgnored(value: UInt16) throws {
        let plain = try Self.halvesJPEG()
        let tagged = Self.inserting(Self.exifSegment(orientation: value, bigEndian: false), into: plain)
        #expect(try ImageReader.read(tagged) == ImageReader.read(plain))
    }
}
