import CaecCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Mean squared error and PSNR between two 8-bit RGB images.
///
/// MSE is the mean of the squared differences over every pixel and all three channels (`3 * width * height`
/// values), on the 0...255 scale; PSNR is `10 log10(255^2 / MSE)` in dB. Identical images have MSE 0 and PSNR
/// `+infinity`: the aggregates of `caec compare` cap it (see `CompareSummary.psnrCap`).
package enum PixelError {
    /// The squared differences summed exactly in integers, so the result does not depend on summation order.
    ///
    /// - Precondition: the images have the same size.
    package static func squaredErrorSum(_ a: RGBImage, _ b: RGBImage) -> UInt64 {
        precondition(a.width == b.width && a.height == b.height, "PixelError: images differ in size")
        var sum: UInt64 = 0
        a.pixels.withUnsafeBufferPointer { x in
            b.pixels.withUnsafeBufferPointer { y in
                // Rows of up to 2^16 values cannot overflow a UInt32 partial sum (65025 * 65536 < 2^32).
                var start = 0
                while start < x.count {
                    let end = min(x.count, start + 65536)
                    var partial: UInt32 = 0
                    for i in start..<end {
                        let d = Int32(x[i]) - Int32(y[i])
                        partial &+= UInt32(d * d)
                    }
                    sum += UInt64(partial)
                    start = end
                }
            }
        }
        return sum
    }

    /// Mean squared error over all pixels and channels, 0...65025.
    package static func mse(_ a: RGBImage, _ b: RGBImage) -> Double {
        Double(squaredErrorSum(a, b)) / Double(a.pixels.count)
    }

    /// PSNR in dB for an MSE on the 8-bit scale: `10 log10(255^2 / mse)`, `+infinity` for 0.
    package static func psnr(mse: Double) -> Double { PSNR.decibels(mse: mse) }

    /// PSNR of `b` against `a`, in dB; `+infinity` when they are identical.
    package static func psnr(_ a: RGBImage, _ b: RGBImage) -> Double { psnr(mse: mse(a, b)) }
}
