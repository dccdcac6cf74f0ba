#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bjøntegaard delta rate (VCEG-M33) with PSNR as the quality axis.
///
/// Each curve's natural log of rate is interpolated as a function of PSNR with a piecewise cubic Hermite
/// interpolant whose slopes follow Fritsch-Carlson (PCHIP, SciPy's `PchipInterpolator`), the variant the
/// JCT-VC/JVET reference spreadsheets and the `bjontegaard` Python package use as "pchip". Unlike the original
/// cubic polynomial fit it needs only two points per curve, never overshoots between points, and passes through
/// every point. The two interpolants are integrated exactly over the PSNR interval both curves cover, and
///
///     BD-rate = exp( (∫ ln rate_test - ∫ ln rate_anchor) / (PSNR_high - PSNR_low) ) - 1
///
/// expressed in percent: negative means the test curve needs fewer bits for the same PSNR.
package enum BDRate {
    /// One operating point of a rate-distortion curve; `rate` is any positive unit (bpp, bytes) used by both curves.
    package struct Point: Sendable, Equatable {
        package var rate: Double
        package var psnr: Double

        package init(rate: Double, psnr: Double) {
            self.rate = rate
            self.psnr = psnr
        }
    }

    /// The average rate difference of `test` against `anchor`, in percent, over their common PSNR interval.
    ///
    /// Points with a non-positive or non-finite rate or a non-finite PSNR are ignored; so are points whose PSNR
    /// repeats one already seen (the first one, in rate order, is kept).
    /// - Returns: nil when a curve has fewer than two usable points or the PSNR intervals do not overlap (or
    ///   overlap in a single value).
    package static func percent(anchor: [Point], test: [Point]) -> Double? {
        guard let a = Curve(anchor), let t = Curve(test) else { return nil }
        let low = max(a.x.first!, t.x.first!)
        let high = min(a.x.last!, t.x.last!)
        guard high > low else { return nil }
        let difference = (t.integral(from: low, to: high) - a.integral(from: low, to: high)) / (high - low)
        return (exp(difference) - 1) * 100
    }

    /// A PCHIP interpolant of ln(rate) over increasing PSNR.
    struct Curve {
        let x: [Double]
        let y: [Double]
        let slopes: [Double]

        init?(_ points: [Point]) {
            let usable = points.filter { $0.rate > 0 && $0.rate.isFinite && $0.psnr.isFinite }
                .sorted { $0.psnr != $1.psnr ? $0.psnr < $1.psnr : $0.rate < $1.rate }
            var x: [Double] = []
            var y: [Double] = []
            for point in usable where x.last != point.psnr {
                x.append(point.psnr)
                y.append(log(point.rate))
            }
            guard x.count >= 2 else { return nil }
            self.x = x
            self.y = y
            self.slopes = Curve.pchipSlopes(x, y)
        }

        /// Fritsch-Carlson slopes with SciPy's end conditions (a shape-preserving three-point formula).
        static func pchipSlopes(_ x: [Double], _ y: [Double]) -> [Double] {
            let n = x.count
            let h = (0..<n - 1).map { x[$0 + 1] - x[$0] }
            let delta = (0..<n - 1).map { (y[$0 + 1] - y[$0]) / h[$0] }
            if n == 2 { return [delta[0], delta[0]] }
            var d = [Double](repeating: 0, count: n)
            for k in 1..<n - 1 {
                if delta[k - 1] * delta[k] > 0 {
                    let w1 = 2 * h[k] + h[k - 1]
                    let w2 = h[k] + 2 * h[k - 1]
                    d[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k])
                }
            }
            d[0] = endSlope(h[0], h[1], delta[0], delta[1])
            d[n - 1] = endSlope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3])
            return d
        }

        private static func endSlope(_ h0: Double, _ h1: Double, _ m0: Double, _ m1: Double) -> Double {
            let d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
            if d.signum != m0.signum { return 0 }
            if m0.signum != m1.signum && abs(d) > abs(3 * m0) { return 3 * m0 }
            return d
        }

        /// The exact integral of the interpolant over `[from, to]`, inside `[x.first, x.last]`.
        func integral(from low: Double, to high: Double) -> Double {
            var total = 0.0
            for k in 0..<x.count - 1 {
                let a = max(low, x[k])
                let b = min(high, x[k + 1])
                guard b > a else { continue }
                let h = x[k + 1] - x[k]
                total += h * (primitive((b - x[k]) / h, k) - primitive((a - x[k]) / h, k))
            }
            return total
        }

        /// ∫_0^t of the Hermite cubic on segment k in the local variable t = (x - x_k) / h.
        private func primitive(_ t: Double, _ k: Int) -> Double {
            let h = x[k + 1] - x[k]
            let (y0, y1, m0, m1) = (y[k], y[k + 1], slopes[k] * h, slopes[k + 1] * h)
            let t2 = t * t
            let t3 = t2 * t
            let t4 = t3 * t
            // Integrals of the Hermite basis h00, h10, h01, h11.
            let h00 = t4 / 2 - t3 + t
            let h10 = t4 / 4 - 2 * t3 / 3 + t2 / 2
            let h01 = -t4 / 2 + t3
            let h11 = t4 / 4 - t3 / 3
            return y0 * h00 + m0 * h10 + y1 * h01 + m1 * h11
        }
    }
}

extension Double {
    /// -1, 0 or 1, as NumPy's `sign`.
    fileprivate var signum: Int { self > 0 ? 1 : self < 0 ? -1 : 0 }
}
