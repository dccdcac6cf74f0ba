import CaecCore

/// The EXIF `Orientation` tag (0x0112): how the stored pixels must be transformed to appear upright.
///
/// Raw values and names follow the TIFF 6.0 / EXIF 2.3 tables ("row 0 is at the visual top, column 0 at the
/// visual left" for `.up`).
package enum ExifOrientation: UInt16, Sendable, CaseIterable {
    /// 1: stored upright.
    case up = 1
    /// 2: mirrored left to right.
    case upMirrored = 2
    /// 3: rotated 180 degrees.
    case down = 3
    /// 4: mirrored top to bottom.
    case downMirrored = 4
    /// 5: transposed (mirrored across the main diagonal).
    case leftMirrored = 5
    /// 6: displayed after a 90-degree clockwise turn (a phone held upright, camera on the left).
    case right = 6
    /// 7: transversed (mirrored across the anti-diagonal).
    case rightMirrored = 7
    /// 8: displayed after a 90-degree counter-clockwise turn.
    case left = 8

    /// The orientation stored in an EXIF TIFF structure (the APP1 payload after `Exif\0\0`), or `nil` when the
    /// structure is malformed, has no orientation tag in IFD0, or holds a value outside 1...8.
    ///
    /// Every offset is bounds-checked: a hostile structure yields `nil`, never a trap.
    package init?(tiff: [UInt8]) {
        guard let (offset, bigEndian) = Self.locate(in: tiff) else { return nil }
        let (a, b) = (UInt16(tiff[offset]), UInt16(tiff[offset + 1]))
        self.init(rawValue: bigEndian ? a << 8 | b : b << 8 | a)
    }

    /// `tiff` with its IFD0 orientation set to 1 (`.up`), for pixels that have been turned upright already;
    /// `tiff` unchanged when it has no well-formed orientation tag.
    package static func resettingOrientation(in tiff: [UInt8]) -> [UInt8] {
        guard let (offset, bigEndian) = locate(in: tiff) else { return tiff }
        var result = tiff
        (result[offset], result[offset + 1]) = bigEndian ? (0, 1) : (1, 0)
        return result
    }

    /// The byte offset of the orientation value (a SHORT) in IFD0 of `tiff`, and the byte order; nil when the
    /// structure is malformed or has no such tag. Every offset is bounds-checked.
    private static func locate(in tiff: [UInt8]) -> (offset: Int, bigEndian: Bool)? {
        guard tiff.count >= 8 else { return nil }
        let bigEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): bigEndian = false  // "II"
        case (0x4D, 0x4D): bigEndian = true  // "MM"
        default: return nil
        }
        func uint16(at offset: Int) -> UInt16? {
            guard offset >= 0, offset <= tiff.count - 2 else { return nil }
            let (a, b) = (UInt16(tiff[offset]), UInt16(tiff[offset + 1]))
            return bigEndian ? a << 8 | b : b << 8 | a
        }
        func uint32(at offset: Int) -> UInt32? {
            guard let high = uint16(at: bigEndian ? offset : offset + 2),
                let low = uint16(at: bigEndian ? offset + 2 : offset)
            else { return nil }
            return UInt32(high) << 16 | UInt32(low)
        }
        guard uint16(at: 2) == 42, let ifdOffset = uint32(at: 4), let entryCount = uint16(at: Int(ifdOffset)) else {
            return nil
        }
        let shortType: UInt16 = 3
        for index in 0..<Int(entryCount) {
            let entry = Int(ifdOffset) + 2 + 12 * index
            guard let tag = uint16(at: entry) else { return nil }
            guard tag == 0x0112 else { continue }
            guard uint16(at: entry + 2) == shortType, let count = uint32(at: entry + 4), count >= 1,
                uint16(at: entry + 8) != nil
            else { return nil }
            return (entry + 8, bigEndian)
        }
        return nil
    }

    /// Whether the transform swaps width and height.
    package var swapsAxes: Bool { rawValue >= 5 }

    /// `image` transformed so that it appears upright.
    package func apply(to image: RGBImage) -> RGBImage {
        if self == .up { return image }
        let (W, H) = (image.width, image.height)
        let (outW, outH) = swapsAxes ? (H, W) : (W, H)
        var pixels = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { destination in
                var d = 0
                for y in 0..<outH {
                    for x in 0..<outW {
                        let (sx, sy) = sourceCoordinates(x: x, y: y, width: W, height: H)
                        let s = (sy * W + sx) * 3
                        destination[d] = source[s]
                        destination[d + 1] = source[s + 1]
                        destination[d + 2] = source[s + 2]
                        d += 3
                    }
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: pixels)
    }

    /// The stored pixel shown at upright position (`x`, `y`) of an image stored as `width` x `height`.
    package func sourceCoordinates(x: Int, y: Int, width W: Int, height H: Int) -> (x: Int, y: Int) {
        switch self {
        case .up: (x, y)
        case .upMirrored: (W - 1 - x, y)
        case .down: (W - 1 - x, H - 1 - y)
        case .downMirrored: (x, H - 1 - y)
        case .leftMirrored: (y, x)
        case .right: (y, H - 1 - x)
        case .rightMirrored: (W - 1 - y, H - 1 - x)
        case .left: (W - 1 - y, x)
        }
    }
}
