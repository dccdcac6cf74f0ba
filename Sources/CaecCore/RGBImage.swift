/// An 8-bit sRGB image, pixels interleaved `R, G, B` in row-major order.
///
/// This is the pixel currency of caec: image readers produce it, the codec encodes it and decoders return it.
/// Alpha never appears here: readers composite it away (see `CaecImageIO`).
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels, at least 1.
    public let width: Int
    /// Height in pixels, at least 1.
    public let height: Int
    /// `width * height * 3` bytes: row after row, each pixel `R, G, B`.
    public var pixels: [UInt8]

    /// Wraps existing pixels.
    ///
    /// - Precondition: `width` and `height` are positive and `pixels.count == width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "RGBImage: width and height must be positive")
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        precondition(!overflow && count <= Int.max / 3, "RGBImage: size overflows")
        precondition(pixels.count == count * 3, "RGBImage: pixels.count must equal width * height * 3")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A `width` x `height` image filled with one colour.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (0, 0, 0)) {
        precondition(width > 0 && height > 0, "RGBImage: width and height must be positive")
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = fill.0
            pixels[i + 1] = fill.1
            pixels[i + 2] = fill.2
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// Number of pixels, `width * height`.
    public var pixelCount: Int { width * height }

    /// The pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}
