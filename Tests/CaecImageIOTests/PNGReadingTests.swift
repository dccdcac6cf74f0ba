import CaecCore
import CaecImageIO
import Testing

@Suite struct PNGReadingTests {
    /// Every colour type and bit depth, with and without transparency, plain and Adam7; the expected pixels
    /// were computed by `make_fixtures.py` from the source samples (not by decoding).
    @Test(arguments: [
        "basn0g01", "basn0g02", "basn0g04", "basn0g08", "basn0g16", "basn4a08", "basn4a16",
        "basn3p01", "basn3p04", "basn3p08", "tbbn3p08", "basn2c08", "basn2c16", "basn6a08", "basn6a16",
        "tbbn0g04", "tbrn2c08", "tbgn2c16", "basi0g01", "basi2c08", "basi3p02", "basi6a16",
    ])
    func decodesToExpectedPixels(name: String) throws {
        let image = try ImageReader.read(try Fixtures.bytes(name + ".png"))
        let expected = try Fixtures.netpbm(try Fixtures.bytes(name + ".expected.ppm"))
        #expect(image.width == expected.width && image.height == expected.height)
        let firstMismatch = zip(image.pixels, expected.pixels).enumerated().first { $0.element.0 != $0.element.1 }?
            .offset
        #expect(image.pixels == expected.pixels, "first mismatch at byte \(firstMismatch ?? -1)")
    }

    @Test func alphaIsCompositedOverTheChosenBackground() throws {
        let bytes = try Fixtures.bytes("basn6a08.png")
        let onWhite = try ImageReader.read(bytes)
        let onBlack = try ImageReader.read(bytes, options: .init(background: .black))
        // Same file, other background: every pixel at least as dark, and some strictly darker.
        #expect(zip(onBlack.pixels, onWhite.pixels).allSatisfy { $0 <= $1 })
        #expect(onBlack.pixels != onWhite.pixels)
    }

    /// A 16-bit file is read at 8 bits with one warning saying so; an 8-bit one reads without warnings.
    @Test(arguments: [("basn2c16", true), ("basn0g16", true), ("basi6a16", true), ("basn2c08", false)])
    func sixteenBitSamplesAreRoundedWithAWarning(name: String, sixteen: Bool) throws {
        let decoded = try ImageReader.decode(try Fixtures.bytes(name + ".png"))
        #expect(decoded.warnings == (sixteen ? ["16-bit samples rounded to 8 bits (caec works on 8-bit images)"] : []))
    }
}
