import CaecImageIO
import Testing

@Suite struct ImageFormatTests {
    @Test(
        arguments: [
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], ImageFormat?.some(.png)),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A], nil),  // signature cut short
            ([0xFF, 0xD8, 0xFF, 0xE0], .jpeg),
            ([0xFF, 0xD8, 0xFF], .jpeg),
            ([0xFF, 0xD8], nil),
            (Array("GIF89a".utf8), nil),
            ([], nil),
        ] as [([UInt8], ImageFormat?)])
    func sniff(bytes: [UInt8], format: ImageFormat?) {
        #expect(ImageFormat.sniff(bytes) == format)
        #expect(ImageFormat.sniff(bytes[...]) == format)
    }
}
