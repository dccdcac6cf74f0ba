/// Upper bounds on image dimensions, checked right after a header is read and before any pixel is allocated.
///
/// The defaults accept any real photograph (16384 px a side, 64 megapixels) and reject headers crafted to make
/// a reader allocate gigabytes.
public struct ImageLimits: Sendable, Equatable {
    /// Largest accepted width in pixels.
    public var maxWidth: Int
    /// Largest accepted height in pixels.
    public var maxHeight: Int
    /// Largest accepted `width * height`.
    public var maxPixels: Int

    /// 16384 pixels a side, 64 Mpx (64 * 2^20).
    public static let `default` = ImageLimits(maxWidth: 16384, maxHeight: 16384, maxPixels: 64 << 20)

    public init(maxWidth: Int, maxHeight: Int, maxPixels: Int) {
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxPixels = maxPixels
    }

    /// Whether a `width` x `height` image fits, without overflowing on hostile values.
    public func admits(width: Int, height: Int) -> Bool {
        guard width > 0, height > 0, width <= maxWidth, height <= maxHeight else { return false }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        return !overflow && count <= maxPixels
    }
}
