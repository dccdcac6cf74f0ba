import Caec
import CaecFormat
import CaecImageIO
import CaecTestSupport
import Testing

/// Whether every pixel of `image` has three equal channels.
func isGray(_ image: RGBImage) -> Bool {
    let pixels = image.pixels
    for p in stride(from: 0, to: pixels.count, by: 3) where pixels[p] != pixels[p + 1] || pixels[p] != pixels[p + 2] {
        return false
    }
    return true
}

/// Gray images and metadata through the codec (Spec/cae-format.md §4, §11).
@Suite struct MetadataCodecTests {
    /// The horse of CIFAR-10 made gray (channel mean), as the PNG reader gives a gray file: three equal channels.
    static func grayHorse() throws -> RGBImage {
        let color = try ShippedCodecs.image("cifar-test-0001-horse.png")
        var pixels = color.pixels
        for p in stride(from: 0, to: pixels.count, by: 3) {
            let mean = UInt8((Int(pixels[p]) + Int(pixels[p + 1]) + Int(pixels[p + 2])) / 3)
            (pixels[p], pixels[p + 1], pixels[p + 2]) = (mean, mean, mean)
        }
        return RGBImage(width: color.width, height: color.height, pixels: pixels)
    }

    static let metadata = CaecMetadata(
        iccProfile: Array("not really a profile, but bytes to carry".utf8), exif: [0x4D, 0x4D, 0, 42, 0, 0, 0, 8],
        xmp: Array("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>".utf8), isGray: true)

    /// A version 1.1 file: gray, with ICC, EXIF and XMP blocks, byte for byte on every machine.
    @Test func grayFileWithMetadataMatchesItsGolden() throws {
        let bytes = try ShippedCodecs.codec("cae-r8").encode(Self.grayHorse(), quality: 4, metadata: Self.metadata)
        guard let golden = Golden.bytes("Samples/golden/cae-r8/gray-horse-metadata-q4.cae", recording: bytes) else {
            return
        }
        #expect(bytes == golden)
        #expect(bytes[1] == 0x11)
    }

    @Test func metadataRoundTripsAndGrayDecodesGray() throws {
        let codec = try ShippedCodecs.codec("cae-r8")
        let image = try Self.grayHorse()
        let file = try codec.encode(image, quality: 4, metadata: Self.metadata)
        let decoded = try codec.decodeWithMetadata(file)
        #expect(decoded.metadata == Self.metadata)
        #expect(isGray(decoded.image))
        // The metadata costs only its blocks: the payload is the one of a file without metadata.
        let plain = try codec.encode(image, quality: 4)
        let (_, plainPayload, _) = try CAEReader.read(plain)
        let (_, payload, blocks) = try CAEReader.read(file)
        #expect(Array(payload) == Array(plainPayload))
        #expect(blocks.count == 3)
    }

    /// Flat gray 128 came back tinted (136, 137, 129) at quality 1 before colour code 1; now every pixel is gray.
    @Test(arguments: 1...8)
    func flatGrayHasNoColourCast(quality: Int) throws {
        let codec = try ShippedCodecs.codec("bmshj-f-vr")
        let gray = RGBImage(width: 48, height: 40, pixels: [UInt8](repeating: 128, count: 48 * 40 * 3))
        let decoded = try codec.decode(codec.encode(gray, quality: quality, metadata: CaecMetadata(isGray: true)))
        #expect(isGray(decoded))
        let pixels = decoded.pixels
        let mean = Double(pixels.reduce(0) { $0 + Int($1) }) / Double(pixels.count)
        #expect(abs(mean - 128) <= 10, "mean \(mean)")
    }

    @Test func oversizedMetadataIsAnInvalidArgument() throws {
        let codec = try ShippedCodecs.codec("cae-r8")
        let big = CaecMetadata(xmp: [UInt8](repeating: 0x20, count: CaecMetadata.maxBlockBytes + 1))
        #expect(throws: CaecError.self) { try codec.encode(try Self.grayHorse(), quality: 1, metadata: big) }
    }
}
