import CaecCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) and its multi-scale form (Wang, Simoncelli,
/// Bovik 2003) on 8-bit RGB images.
///
/// SSIM follows the paper's reference implementation (`ssim_index.m`): an 11x11 Gaussian window with σ = 1.5,
/// `K1 = 0.01`, `K2 = 0.03`, `L = 255`, local statistics at every position where the window fits inside the image
/// ("valid" filtering, no padding), and the mean of the SSIM map. It is computed on each of R, G and B separately
/// and the three values are averaged (no conversion to luma).
///
/// Images narrower or shorter than 11 pixels: in that direction the window shrinks to the whole side (the same
/// Gaussian, sampled at offsets centred on the shorter window and renormalised), so the map has one column or
/// row there.
///
/// MS-SSIM uses 5 scales with the paper's exponents (0.0448, 0.2856, 0.3001, 0.2363, 0.1333) and 2x2 average
/// pooling between scales (an odd last row or column is dropped); contrast-structure terms at scales 1-4 and
/// the full SSIM at scale 5, each clamped at 0 before the power (as pytorch-msssim does). It is defined only when
/// the smaller side is at least `msSSIMMinimumSide` (176 = 11 * 2^4, so the window fits at the coarsest scale);
/// per channel, then averaged.
package enum SSIM {
    package static let windowSide = 11
    package static let sigma = 1.5
    package static let k1 = 0.01
    package static let k2 = 0.03
    package static let dynamicRange = 255.0
    package static let msSSIMWeights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
    /// The smallest side for which `msSSIM` returns a value.
    package static let msSSIMMinimumSide = 176

    /// SSIM of `b` against `a`, averaged over R, G, B; 1 for identical images.
    ///
    /// - Precondition: the images have the same size.
    package static func ssim(_ a: RGBImage, _ b: RGBImage) -> Double {
        precondition(a.width == b.width && a.height == b.height, "SSIM: images differ in size")
        var total = 0.0
        for c in 0..<3 {
            let x = plane(a, channel: c)
            let y = plane(b, channel: c)
            total += statistics(x, y, width: a.width, height: a.height).ssim
        }
        return total / 3
    }

    /// MS-SSIM of `b` against `a`, averaged over R, G, B; nil when the smaller side is below `msSSIMMinimumSide`.
    ///
    /// - Precondition: the images have the same size.
    package static func msSSIM(_ a: RGBImage, _ b: RGBImage) -> Double? {
        precondition(a.width == b.width && a.height == b.height, "SSIM: images differ in size")
        guard min(a.width, a.height) >= msSSIMMinimumSide else { return nil }
        var total = 0.0
        for c in 0..<3 {
            var x = plane(a, channel: c)
            var y = plane(b, channel: c)
            var (w, h) = (a.width, a.height)
            var value = 1.0
            for (scale, weight) in msSSIMWeights.enumerated() {
                let s = statistics(x, y, width: w, height: h)
                let term = scale == msSSIMWeights.count - 1 ? s.ssim : s.contrastStructure
                value *= pow(max(term, 0), weight)
                if scale < msSSIMWeights.count - 1 {
                    x = halve(x, width: w, height: h)
                    y = halve(y, width: w, height: h)
                    (w, h) = (w / 2, h / 2)
                }
            }
            total += value
        }
        return total / 3
    }

    /// The normalised Gaussian of `length` taps (at most `windowSide`), centred on the window.
    package static func gaussian(length: Int) -> [Double] {
        let centre = Double(length - 1) / 2
        let taps = (0..<length).map { exp(-(Double($0) - centre) * (Double($0) - centre) / (2 * sigma * sigma)) }
        let sum = taps.reduce(0, +)
        return taps.map { $0 / sum }
    }

    /// Mean SSIM and mean contrast-structure term of one channel.
    static func statistics(
        _ x: [Double], _ y: [Double], width: Int, height: Int
    ) -> (ssim: Double, contrastStructure: Double) {
        let gx = gaussian(length: min(windowSide, width))
        let gy = gaussian(length: min(windowSide, height))
        let n = width * height
        var xx = [Double](repeating: 0, count: n)
        var yy = xx
        var xy = xx
        for i in 0..<n {
            xx[i] = x[i] * x[i]
            yy[i] = y[i] * y[i]
            xy[i] = x[i] * y[i]
        }
        let (ow, oh) = (width - gx.count + 1, height - gy.count + 1)
        let muX = filter(x, width: width, height: height, gx, gy)
        let muY = filter(y, width: width, height: height, gx, gy)
        let eXX = filter(xx, width: width, height: height, gx, gy)
        let eYY = filter(yy, width: width, height: height, gx, gy)
        let eXY = filter(xy, width: width, height: height, gx, gy)
        let c1 = (k1 * dynamicRange) * (k1 * dynamicRange)
        let c2 = (k2 * dynamicRange) * (k2 * dynamicRange)
        var ssimSum = 0.0
        var csSum = 0.0
        for i in 0..<ow * oh {
            let (mx, my) = (muX[i], muY[i])
            let varX = eXX[i] - mx * mx
            let varY = eYY[i] - my * my
            let cov = eXY[i] - mx * my
            let cs = (2 * cov + c2) / (varX + varY + c2)
            let luminance = (2 * mx * my + c1) / (mx * mx + my * my + c1)
            ssimSum += luminance * cs
            csSum += cs
        }
        let count = Double(ow * oh)
        return (ssimSum / count, csSum / count)
    }

    /// "Valid" separable correlation of a `width` x `height` plane with `gx` (rows) then `gy` (columns).
    private static func filter(_ plane: [Double], width: Int, height: Int, _ gx: [Double], _ gy: [Double]) -> [Double] {
        let (ow, oh) = (width - gx.count + 1, height - gy.count + 1)
        // rows is (height, ow), output is (oh, ow)
        var rows = [Double](repeating: 0, count: height * ow)
        var output = [Double](repeating: 0, count: oh * ow)
        plane.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { mid in
                for r in 0..<height {
                    for k in 0..<gx.count {
                        let g = gx[k]
                        let base = r * width + k
                        for j in 0..<ow { mid[r * ow + j] += g * src[base + j] }
                    }
                }
            }
        }
        rows.withUnsafeBufferPointer { mid in
            output.withUnsafeMutableBufferPointer { dst in
                for r in 0..<oh {
                    for k in 0..<gy.count {
                        let g = gy[k]
                        let base = (r + k) * ow
                        for j in 0..<ow { dst[r * ow + j] += g * mid[base + j] }
                    }
                }
            }
        }
        return output
    }

    static func plane(_ image: RGBImage, channel: Int) -> [Double] {
        var out = [Double](repeating: 0, count: image.pixelCount)
        for i in 0..<image.pixelCount { out[i] = Double(image.pixels[i * 3 + channel]) }
        return out
    }

    /// 2x2 average pooling; an odd last row or column is dropped.
    static func halve(_ plane: [Double], width: Int, height: Int) -> [Double] {
        let (w, h) = (width / 2, height / 2)
        var out = [Double](repeating: 0, count: w * h)
        for r in 0..<h {
            for c in 0..<w {
                let i = 2 * r * width + 2 * c
                out[r * w + c] = (plane[i] + plane[i + 1] + plane[i + width] + plane[i + width + 1]) / 4
            }
        }
        return out
    }
}
