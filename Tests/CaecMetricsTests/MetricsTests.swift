import CaecCore
import CaecMetrics
import Testing

// Reference numbers computed once with NumPy/SciPy (scipy.signal.correlate2d, mode "valid", the same window and
// constants) from `TestImages.pair`.
@Suite struct MetricsTests {
    @Test func hand_computed_single_pixel() {
        let a = RGBImage(width: 1, height: 1, pixels: [10, 20, 30])
        let b = RGBImage(width: 1, height: 1, pixels: [13, 20, 26])
        // Differences 3, 0, -4: squared sum 25 over 3 values. PSNR = 10 log10(65025 * 3 / 25) = 10 log10(7803).
        #expect(PixelError.squaredErrorSum(a, b) == 25)
        #expect(PixelError.mse(a, b) == 25.0 / 3)
        #expect(abs(PixelError.psnr(a, b) - 38.922616069155) < 1e-9)
    }

    @Test func black_against_white_is_zero_dB() {
        let black = RGBImage(width: 2, height: 1, fill: (0, 0, 0))
        let white = RGBImage(width: 2, height: 1, fill: (255, 255, 255))
        #expect(PixelError.mse(black, white) == 65025)
        #expect(PixelError.psnr(black, white) == 0)
    }

    @Test func identical_images_have_infinite_psnr_and_ssim_one() {
        for (w, h) in [(20, 20), (5, 7), (1, 1), (200, 180)] {
            let (a, _) = TestImages.pair(width: w, height: h)
            #expect(PixelError.mse(a, a) == 0)
            #expect(PixelError.psnr(a, a) == .infinity)
            #expect(abs(SSIM.ssim(a, a) - 1) < 1e-12)
        }
        let (big, _) = TestImages.pair(width: 200, height: 180)
        #expect(abs(SSIM.msSSIM(big, big)! - 1) < 1e-12)
    }

    @Test(arguments: [
        (16, 12, 0.985929267654, 134.440972222222, 26.845487164187),
        (8, 6, 0.986693178391, 133.451388888889, 26.877572628220),
        (32, 32, 0.986998418576, 134.103190104167, 26.856412517101),
    ])
    func against_scipy(width: Int, height: Int, ssim: Double, mse: Double, psnr: Double) {
        let (a, b) = TestImages.pair(width: width, height: height)
        #expect(abs(SSIM.ssim(a, b) - ssim) < 1e-10)
        #expect(abs(PixelError.mse(a, b) - mse) < 1e-9)
        #expect(abs(PixelError.psnr(a, b) - psnr) < 1e-9)
    }

    @Test func ms_ssim_against_scipy() {
        let (a, b) = TestImages.pair(width: 181, height: 177)
        #expect(abs(SSIM.ssim(a, b) - 0.987210877507) < 1e-10)
        #expect(abs(SSIM.msSSIM(a, b)! - 0.983121925073) < 1e-10)
    }

    @Test func ms_ssim_needs_176_pixels_a_side() {
        let (a, b) = TestImages.pair(width: 300, height: 175)
        #expect(SSIM.msSSIM(a, b) == nil)
        #expect(SSIM.msSSIMMinimumSide == 176)
    }

    @Test func gaussian_window_is_normalised_and_symmetric() {
        for length in [1, 4, 11] {
            let g = SSIM.gaussian(length: length)
            #expect(abs(g.reduce(0, +) - 1) < 1e-15)
            #expect(g == g.reversed())
        }
    }
}

/// The public facade gives the same numbers as the implementations caec's reports use.
@Suite struct ImageMetricsTests {
    @Test func facadeMatchesTheReferenceNumbers() {
        let (a, b) = TestImages.pair(width: 181, height: 177)
        #expect(ImageMetrics.ssim(a, b) == SSIM.ssim(a, b))
        #expect(abs(ImageMetrics.ssim(a, b) - 0.987210877507) < 1e-10)
        #expect(abs(ImageMetrics.msSSIM(a, b)! - 0.983121925073) < 1e-10)
        #expect(ImageMetrics.mse(a, b) == PixelError.mse(a, b))
        #expect(ImageMetrics.psnr(a, b) == PixelError.psnr(a, b))
        let x = RGBImage(width: 1, height: 1, pixels: [10, 20, 30])
        let y = RGBImage(width: 1, height: 1, pixels: [13, 20, 26])
        #expect(abs(ImageMetrics.psnr(x, y) - 38.922616069155) < 1e-9)
        #expect(ImageMetrics.psnr(x, x) == .infinity)
        #expect(ImageMetrics.msSSIM(x, y) == nil && ImageMetrics.msSSIMMinimumSide == 176)
    }
}
