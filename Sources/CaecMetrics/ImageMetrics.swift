@_exported import struct CaecCore.RGBImage

/// Objective quality of a decoded image against its original: MSE, PSNR, SSIM and MS-SSIM on 8-bit RGB.
///
/// These are the definitions every figure of caec uses (`caec encode -v`, `caec compare`, the README's tables), so
/// an app's measurements match caec's. Each takes the original first; the order matters for none of them but reads
/// as "`decoded` against `original`". Import `CaecMetrics` (it needs only the pixel type, no codec or image I/O).
///
/// ```swift
/// let psnr = ImageMetrics.psnr(original, decoded)  // dB, +infinity when identical
/// let ssim = ImageMetrics.ssim(original, decoded)  // 1 when identical
/// ```
public enum ImageMetrics {
    /// Mean squared error over every pixel and all three channels (`3 x width x height` values), on the 0...255
    /// scale: 0 ... 65025. The squares are summed exactly in integers, so the result does not depend on the order.
    ///
    /// - Precondition: the images have the same width and height.
    public static func mse(_ original: RGBImage, _ decoded: RGBImage) -> Double { PixelError.mse(original, decoded) }

    /// Peak signal-to-noise ratio in dB, `10 log10(255^2 / MSE)`, over R, G and B together; `+infinity` for identical
    /// images (cap it before averaging).
    ///
    /// - Precondition: the images have the same width and height.
    public static func psnr(_ original: RGBImage, _ decoded: RGBImage) -> Double {
        PixelError.psnr(original, decoded)
    }

    /// Structural similarity (Wang et al. 2004, the reference `ssim_index.m`: 11x11 Gaussian window, σ = 1.5,
    /// K1 = 0.01, K2 = 0.03, no padding), computed on R, G and B separately and averaged; at most 1, which it is
    /// for identical images. Images under 11 pixels on a side use a window as wide as the side.
    ///
    /// - Precondition: the images have the same width and height.
    public static func ssim(_ original: RGBImage, _ decoded: RGBImage) -> Double { SSIM.ssim(original, decoded) }

    /// Multi-scale SSIM (Wang et al. 2003: five scales, the paper's exponents, 2x2 average pooling between them),
    /// per channel then averaged; nil when the smaller side is under `msSSIMMinimumSide` pixels.
    ///
    /// - Precondition: the images have the same width and height.
    public static func msSSIM(_ original: RGBImage, _ decoded: RGBImage) -> Double? {
        SSIM.msSSIM(original, decoded)
    }

    /// The smallest side, in pixels, for which `msSSIM` has a value (176 = 11 x 2^4).
    public static let msSSIMMinimumSide = SSIM.msSSIMMinimumSide
}
