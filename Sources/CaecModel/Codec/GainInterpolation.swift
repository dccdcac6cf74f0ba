import CaecTensor

/// Gain vectors between trained qualities (Cui et al. 2021, "asymmetric gained VAE", §3.3): at quality
/// `i + t` (0 <= t < 1) channel c's gain is `g[i][c]^(1 - t) x g[i+1][c]^t`, the geometric interpolation of the
/// gains of trained qualities i and i + 1 (Spec/cae-format.md §9.2).
///
/// It is computed as `g[i] x r^t` with `r = g[i+1] / g[i]` and `r^t` the product of `r^(2^-k)` over the set bits
/// of t = f / 256, each `r^(2^-k)` obtained by k square roots: binary64 division, square root and multiplication
/// only, each correctly rounded, in this order, then one rounding to binary32. No `exp`, `log` or `pow`, whose last
/// bits differ between math libraries, so the encoder's symbols are the same on every machine. A pair of gains
/// that are not both positive and finite (a broken model) is interpolated linearly, `(1 - t) g[i] + t g[i+1]`.
package enum GainInterpolation {
    /// The gain vector of `quality` from `gains` (Q, C): row `quality.index - 1` itself when the fraction is 0.
    ///
    /// - Precondition: `quality` is within 1 ... Q, and the fraction is 0 at Q.
    package static func gains(_ gains: Tensor, at quality: ModelQuality) -> [Float] {
        let (Q, C) = (gains.shape[0], gains.shape[1])
        precondition(
            quality.index >= 1 && (quality.index < Q || (quality.index == Q && quality.isInteger)),
            "GainInterpolation: quality \(quality) outside 1...\(Q)")
        let lower = Array(gains.data[(quality.index - 1) * C..<quality.index * C])
        guard !quality.isInteger else { return lower }
        let upper = gains.data[quality.index * C..<(quality.index + 1) * C]
        return zip(lower, upper).map { interpolate(Double($0), Double($1), fraction: quality.fraction) }
    }

    /// `a^(1 - t) b^t` for t = `fraction` / 256, as the type's documentation says.
    package static func interpolate(_ a: Double, _ b: Double, fraction: Int) -> Float {
        let t = Double(fraction) / Double(ModelQuality.steps)
        guard a > 0, b > 0, a.isFinite, b.isFinite else { return Float((1 - t) * a + t * b) }
        var root = b / a
        var power = 1.0
        // Bit 7 of the fraction is t's 2^-1, bit 0 its 2^-8.
        for bit in stride(from: 7, through: 0, by: -1) {
            root = root.squareRoot()
            if fraction >> bit & 1 == 1 { power *= root }
        }
        return Float(a * power)
    }
}
