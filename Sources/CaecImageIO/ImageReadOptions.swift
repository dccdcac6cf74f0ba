import CaecCore

/// How `ImageReader` checks and flattens what it reads.
public struct ImageReadOptions: Sendable, Equatable {
    /// Largest accepted width, height and pixel count, checked against the header before any pixel buffer is
    /// allocated. Default: `ImageLimits.default` (16384 a side, 64 Mpx).
    public var limits: ImageLimits

    /// The colour that transparent pixels (PNG alpha or tRNS) are composited over. Default: white.
    ///
    /// Compositing happens in sRGB space with integer rounding, `out = (c * a + bg * (255 - a) + 127) / 255`,
    /// not in linear light: this is what browsers do for an opaque page background.
    public var background: RGBColor

    /// Whether recoverable damage is tolerated. Default: `false`.
    ///
    /// When `false`, every libjpeg warning that means damaged data (premature end of data, corrupt entropy data,
    /// extraneous bytes) and every libpng benign error (surplus image data, a missing IEND) fails the read, with an
    /// error that says whether a lenient read would succeed. When `true` the reader returns whatever pixels the
    /// library reconstructed and `ImageReader.decode` lists those problems as warnings. Harmless warnings never
    /// fail a read.
    public var lenient: Bool

    /// Options with the given values; every parameter has the documented default.
    public init(limits: ImageLimits = .default, background: RGBColor = .white, lenient: Bool = false) {
        self.limits = limits
        self.background = background
        self.lenient = lenient
    }
}
