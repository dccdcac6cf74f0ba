import CaecCore
import CaecTestSupport
import Testing

@testable import CaecImageIO

/// CMYK and YCCK JPEGs (print workflows, Photoshop exports) decode to RGB: through their embedded CMYK profile, or
/// without one as R = (1 - C)(1 - K) with a warning. The test files are written here with libjpeg
/// (`JPEGWriter.encodeCMYK`), eight flat 8x8 patches at quality 100, so each pixel's RGB is known.
@Suite struct CMYKReadingTests {
    /// The largest difference, in 8-bit levels, between two images of the same size.
    static func maxDifference(_ a: RGBImage, _ b: RGBImage) -> Int {
        precondition(a.width == b.width && a.height == b.height, "maxDifference: sizes differ")
        return zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    /// The RGB of pixel (x, y).
    static func pixel(_ image: RGBImage, x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        let at = (y * image.width + x) * 3
        return (image.pixels[at], image.pixels[at + 1], image.pixels[at + 2])
    }

    static func jpeg(_ coding: JPEGWriter.CMYKCoding, samples: [UInt8], iccProfile: [UInt8]? = nil) throws -> [UInt8] {
        try JPEGWriter.encodeCMYK(
            samples, width: TestCMYK.width, height: TestCMYK.height, quality: 100, coding: coding,
            iccProfile: iccProfile)
    }

    /// An Adobe file (CMYK or YCCK) stores 255 - ink, a plain CMYK file the ink itself; either way the pixels are
    /// the plain conversion of the ink (YCCK's colour transform costs at most a level or two), with one warning
    /// and no profile left in the metadata.
    @Test(arguments: [JPEGWriter.CMYKCoding.plain, .adobe, .ycck])
    func decodesWithoutAProfileAsThePlainConversion(coding: JPEGWriter.CMYKCoding) throws {
        let bytes = try Self.jpeg(coding, samples: TestCMYK.inkSamples(inverted: coding != .plain))
        let decoded = try ImageReader.decode(bytes)
        #expect(decoded.image.width == TestCMYK.width && decoded.image.height == TestCMYK.height)
        #expect(Self.maxDifference(decoded.image, TestCMYK.plainImage()) <= (coding == .ycck ? 2 : 1))
        let kind = coding == .ycck ? "YCCK" : "CMYK"
        #expect(
            decoded.warnings == [
                "\(kind) JPEG with no ICC profile: converted to RGB as R = (1 - C)(1 - K), G = (1 - M)(1 - K), "
                    + "B = (1 - Y)(1 - K), without colour management"
            ])
        #expect(decoded.metadata == ImageMetadata())
    }

    /// The same stored samples read as ink without the Adobe marker and as 255 - ink with it.
    @Test func theAdobeMarkerDecidesTheInversion() throws {
        let samples = TestCMYK.inkSamples()
        let plain = try ImageReader.read(try Self.jpeg(.plain, samples: samples))
        let adobe = try ImageReader.read(try Self.jpeg(.adobe, samples: samples))
        #expect(Self.maxDifference(plain, TestCMYK.plainImage()) <= 1)
        for (index, ink) in TestCMYK.patches.enumerated() {
            let x = index % 4 * 8 + 3
            let y = index / 4 * 8 + 3
            let expected = TestCMYK.plainRGB(c: 255 - ink.c, m: 255 - ink.m, y: 255 - ink.y, k: 255 - ink.k)
            let pixel = Self.pixel(adobe, x: x, y: y)
            #expect(abs(Int(pixel.0) - Int(expected.0)) <= 1, "patch \(index)")
            #expect(abs(Int(pixel.1) - Int(expected.1)) <= 1, "patch \(index)")
            #expect(abs(Int(pixel.2) - Int(expected.2)) <= 1, "patch \(index)")
        }
    }

    /// With an embedded CMYK profile the pixels are what the profile says, not the plain conversion: the test
    /// profile makes gray from the black ink alone, L* = 100 (1 - K). No warning; the profile is not carried on
    /// (the pixels are sRGB now).
    @Test(arguments: [JPEGWriter.CMYKCoding.plain, .adobe, .ycck])
    func appliesTheEmbeddedProfile(coding: JPEGWriter.CMYKCoding) throws {
        let bytes = try Self.jpeg(
            coding, samples: TestCMYK.inkSamples(inverted: coding != .plain), iccProfile: TestCMYK.blackOnlyProfile)
        let decoded = try ImageReader.decode(bytes)
        #expect(decoded.warnings.isEmpty)
        #expect(decoded.metadata.iccProfile == nil)
        var worst = 0.0
        for y in 0..<TestCMYK.height {
            for x in 0..<TestCMYK.width {
                let gray = TestCMYK.blackOnlyGray(blackInk: TestCMYK.patches[TestCMYK.patch(x: x, y: y)].k)
                let pixel = Self.pixel(decoded.image, x: x, y: y)
                for channel in [pixel.0, pixel.1, pixel.2] { worst = max(worst, abs(Double(channel) - gray)) }
            }
        }
        #expect(worst <= 3, "largest difference from the profile's gray: \(worst) levels")
        // Cyan without black: gray 255 through the profile, (0, 255, 255) without it.
        #expect(Self.pixel(decoded.image, x: 8, y: 0).0 >= 250)
    }

    /// A profile lcms2 cannot use (not an ICC profile at all) falls back to the plain conversion, and says why.
    @Test func anUnusableProfileFallsBackToThePlainConversion() throws {
        let bytes = try Self.jpeg(
            .adobe, samples: TestCMYK.inkSamples(inverted: true), iccProfile: Array(repeating: 0x5A, count: 200))
        let decoded = try ImageReader.decode(bytes)
        #expect(Self.maxDifference(decoded.image, TestCMYK.plainImage()) <= 1)
        #expect(decoded.warnings.count == 1)
        #expect(
            decoded.warnings.first?.hasPrefix(
                "CMYK JPEG with an ICC profile lcms2 cannot use as CMYK: converted to RGB as") == true)
        #expect(decoded.metadata.iccProfile == nil)
    }

    /// ImageMagick's `-colorspace CMYK` file (YCCK 4:2:0 at quality 85, Adobe transform 2, inverted; made from
    /// the same picture as ycc444.jpg by Samples/imageio/make_fixtures.py) comes back as that picture: ImageMagick
    /// converts without profiles the plain way, so what differs is the two files' JPEG loss (about 23 dB on this
    /// noisy picture, mostly in blue), never a colour cast (a wrong inversion would move every mean by ~100
    /// levels). Pillow 13's `convert("RGB")` of this file gives exactly these pixels.
    @Test func imageMagickCMYKMatchesTheRGBFile() throws {
        let cmyk = try ImageReader.decode(try Fixtures.bytes("cmyk.jpg"))
        let rgb = try ImageReader.read(try Fixtures.bytes("ycc444.jpg"))
        #expect(cmyk.warnings.count == 1)
        var squaredError = 0.0
        var meanDifference = [0.0, 0.0, 0.0]
        for (index, (a, b)) in zip(cmyk.image.pixels, rgb.pixels).enumerated() {
            let difference = Double(a) - Double(b)
            squaredError += difference * difference
            meanDifference[index % 3] += difference / Double(rgb.pixelCount)
        }
        let psnr = PSNR.decibels(mse: squaredError / Double(rgb.pixels.count))
        #expect(psnr > 20, "PSNR \(psnr) dB")
        #expect(meanDifference.allSatisfy { abs($0) < 2 }, "mean differences \(meanDifference)")
    }
}
