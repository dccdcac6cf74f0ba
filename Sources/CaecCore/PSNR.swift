#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Peak signal-to-noise ratio, the one definition every report, log and training figure uses.
package enum PSNR {
    /// `10 log10(peak^2 / mse)` in dB: `peak` is 255 for 8-bit pixels, 1 for tensors of pixels / 255. An MSE of 0
    /// gives `+infinity`; callers that want a finite figure cap it or floor the MSE themselves.
    ///
    /// - Precondition: `mse` is not negative.
    package static func decibels(mse: Double, peak: Double = 255) -> Double {
        precondition(mse >= 0 || mse.isNaN, "PSNR: MSE must not be negative")
        return mse == 0 ? .infinity : 10 * log10(peak * peak / mse)
    }
}
