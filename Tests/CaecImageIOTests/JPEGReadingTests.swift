import CaecCore
import CaecImageIO
import Testing

@Suite struct JPEGReadingTests {
    /// Bit-exact with libjpeg-turbo's `djpeg -pnm` (same library, same default settings); gray files come out of
    /// djpeg as PGM and are expanded to RGB for the comparison.
    @Test(arguments: ["gray.jpg", "ycc420.jpg", "ycc444.jpg", "progressive.jpg"])
    func matchesDjpeg(name: String) throws {
        let image = try ImageReader.read(try Fixtures.bytes(name))
        let reference = try Fixtures.netpbm(try Fixtures.run("djpeg", ["-pnm", Fixtures.path(name)]))
        #expect(image == reference)
    }

    @Test func lenientReadKeepsATruncatedImage() throws {
        let bytes = try Fixtures.bytes("bad-truncated.jpg")
        let image = try ImageReader.read(bytes, options: .init(lenient: true))
        #expect(image.width == 37 && image.height == 29)
    }

    @Test func lenientReadMatchesDjpegOnCorruptData() throws {
        // djpeg also continues past libjpeg warnings by default.
        let image = try ImageReader.read(try Fixtures.bytes("bad-huffman.jpg"), options: .init(lenient: true))
        let reference = try Fixtures.netpbm(
            try Fixtures.run("djpeg", ["-pnm", Fixtures.path("bad-huffman.jpg")], exitCodes: [2]))
        #expect(image == reference)
    }
}
