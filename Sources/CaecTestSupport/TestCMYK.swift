import CaecCore
import Foundation

/// CMYK test pictures and a hand-built CMYK ICC profile, so CMYK JPEG tests know exactly what each pixel must
/// become.
public enum TestCMYK {
    /// The ink amounts (C, M, Y, K; 0 is no ink, 255 full ink) of the eight patches of `inkSamples`: paper,
    /// the three primaries, black, and three mixtures.
    public static let patches: [(c: UInt8, m: UInt8, y: UInt8, k: UInt8)] = [
        (0, 0, 0, 0), (255, 0, 0, 0), (0, 255, 0, 0), (0, 0, 255, 0),
        (0, 0, 0, 255), (64, 128, 192, 32), (200, 50, 100, 100), (30, 30, 30, 0),
    ]

    /// Width and height of `inkSamples`: four by two patches of 8x8 pixels, one JPEG block each, so a JPEG at
    /// full resolution and quality 100 keeps every patch flat.
    public static let width = 32
    public static let height = 16

    /// The patch under pixel (x, y).
    public static func patch(x: Int, y: Int) -> Int { (y / 8) * 4 + x / 8 }

    /// C, M, Y, K per pixel, rows top to bottom: the ink amounts of `patches`, or 255 minus them (`inverted`, as an
    /// Adobe CMYK JPEG stores them).
    public static func inkSamples(inverted: Bool = false) -> [UInt8] {
        var samples: [UInt8] = []
        samples.reserveCapacity(width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let ink = patches[patch(x: x, y: y)]
                samples += [ink.c, ink.m, ink.y, ink.k].map { inverted ? 255 - $0 : $0 }
            }
        }
        return samples
    }

    /// The RGB of ink amounts without colour management: R = (1 - C)(1 - K), G = (1 - M)(1 - K),
    /// B = (1 - Y)(1 - K), each rounded to 8 bits.
    public static func plainRGB(c: UInt8, m: UInt8, y: UInt8, k: UInt8) -> (UInt8, UInt8, UInt8) {
        func channel(_ ink: UInt8) -> UInt8 {
            UInt8(((Double(255 - ink) * Double(255 - k)) / 255).rounded())
        }
        return (channel(c), channel(m), channel(y))
    }

    /// `plainRGB` of every pixel of `inkSamples()`.
    public static func plainImage() -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let ink = patches[patch(x: x, y: y)]
                let rgb = plainRGB(c: ink.c, m: ink.m, y: ink.y, k: ink.k)
                pixels += [rgb.0, rgb.1, rgb.2]
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// A CMYK output profile (ICC v2, class `prtr`, PCS CIELAB) whose A2B0 table ignores C, M and Y and makes
    /// L* = 100 (1 - K), a* = b* = 0: gray from the black ink alone, which no plain conversion gives for coloured
    /// patches. Built byte by byte (ICC.1:2001-04 §6.1 header, §6.5.7 lut8Type with 2 grid points per input),
    /// so it is an oracle independent of lcms2.
    public static let blackOnlyProfile: [UInt8] = {
        // lut8Type: signature, reserved, 4 inputs, 3 outputs, 2 grid points, padding, an identity matrix (unused
        // for a CMYK input), identity input tables, the CLUT (the first input varies slowest), identity output
        // tables. PCS Lab in 8 bits: L* = 100 x byte / 255, a* and b* = byte - 128.
        var lut = Array("mft1".utf8) + [0, 0, 0, 0] + [4, 3, 2, 0]
        for row in 0..<3 { for column in 0..<3 { lut += be32(row == column ? 0x0001_0000 : 0) } }
        let identity = (0...255).map { UInt8($0) }
        for _ in 0..<4 { lut += identity }
        for corner in 0..<16 {
            let blackInk = corner & 1  // k is the last, fastest-varying input
            lut += [blackInk == 1 ? 0 : 255, 128, 128]
        }
        for _ in 0..<3 { lut += identity }
        // XYZType: the D50 media white point, s15Fixed16.
        let whitePoint = Array("XYZ ".utf8) + [0, 0, 0, 0] + be32(0x0000_F6D6) + be32(0x0001_0000) + be32(0x0000_D32D)

        let tableEnd = 128 + 4 + 2 * 12
        let lutOffset = tableEnd
        let whiteOffset = lutOffset + (lut.count + 3) / 4 * 4
        let size = whiteOffset + whitePoint.count
        var header = be32(UInt32(size)) + [0, 0, 0, 0] + [0x02, 0x10, 0, 0]
        header += Array("prtrCMYKLab ".utf8)
        header += [0x07, 0xD0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]  // 2000-01-01 00:00:00
        header += Array("acsp".utf8) + [UInt8](repeating: 0, count: 4 * 4 + 8) + be32(0)  // ... rendering intent 0
        header += be32(0x0000_F6D6) + be32(0x0001_0000) + be32(0x0000_D32D)  // PCS illuminant D50
        header += [UInt8](repeating: 0, count: 128 - header.count)
        var profile = header + be32(2)
        profile += Array("A2B0".utf8) + be32(UInt32(lutOffset)) + be32(UInt32(lut.count))
        profile += Array("wtpt".utf8) + be32(UInt32(whiteOffset)) + be32(UInt32(whitePoint.count))
        profile += lut + [UInt8](repeating: 0, count: whiteOffset - lutOffset - lut.count) + whitePoint
        precondition(profile.count == size, "TestCMYK.blackOnlyProfile: layout")
        return profile
    }()

    /// The sRGB gray level that `blackOnlyProfile` gives for `blackInk` (0...255), exactly: L* = 100 (1 - K),
    /// relative luminance from L* (CIE 15), then the sRGB transfer curve (IEC 61966-2-1).
    public static func blackOnlyGray(blackInk: UInt8) -> Double {
        let lightness = 100 * Double(255 - blackInk) / 255
        let luminance =
            lightness > 8
            ? ((lightness + 16) / 116) * ((lightness + 16) / 116) * ((lightness + 16) / 116)
            : lightness / (24389.0 / 27)
        let encoded =
            luminance <= 0.003_130_8 ? 12.92 * luminance : 1.055 * pow(luminance, 1 / 2.4) - 0.055
        return 255 * encoded
    }

    private static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
