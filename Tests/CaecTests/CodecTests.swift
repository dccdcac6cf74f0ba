import Caec
import CaecEntropy
import CaecFormat
import CaecImageIO
import CaecTensor
import CaecTestSupport
import Foundation
import Testing

/// The shipped autoencoder codecs, loaded once.
enum ShippedCodecs {
    static let ids = [
        "cae-r2", "cae-r4", "cae-r8", "cae-r16", "bmshj-f-vr", "bmshj-hp-vr", "cifar-task-vr", "cifar-task-vr8",
    ]

    static func codec(_ id: String) throws -> CaecCodec {
        try CaecCodec(weights: Golden.required("Models/\(id).caew"))
    }

    static func image(_ name: String) throws -> RGBImage {
        try ImageReader.read(Golden.required("Samples/images/\(name)"))
    }
}

@Suite struct CodecTests {
    static let goldenCases: [(model: String, image: String, quality: Int)] =
        ShippedCodecs.ids.flatMap { model in
            [
                (model, "cifar-test-0001-horse.png", 2), (model, "cifar-test-0001-horse.png", 6),
                (model, "odd-97x61.png", 4),
            ]
        } + [("bmshj-f-vr", "kodim23-crop256.png", 3), ("bmshj-hp-vr", "kodim23-crop256.png", 3)]
        + [1, 3, 4, 5, 7, 8].map { ("bmshj-f-vr", "cifar-test-0001-horse.png", $0) }

    static func goldenName(_ image: String, _ quality: Int) -> String {
        image.replacingOccurrences(of: ".png", with: "") + "-q\(quality)"
    }

    /// The same pixels, model and quality give these exact bytes on every machine.
    @Test(arguments: goldenCases.map { "\($0.model)/\(goldenName($0.image, $0.quality))" })
    func encodingMatchesTheGoldenFileByteForByte(name: String) throws {
        let c = Self.goldenCases.first { "\($0.model)/\(Self.goldenName($0.image, $0.quality))" == name }!
        let codec = try ShippedCodecs.codec(c.model)
        let bytes = try codec.encode(ShippedCodecs.image(c.image), quality: c.quality)
        guard let golden = Golden.bytes("Samples/golden/\(name).cae", recording: bytes) else { return }
        #expect(bytes == golden)
    }

    /// Golden files decode to latents bit-exactly (the symbols the encoder quantised) and to pixels whose PSNR is
    /// within 0.05 dB of the recorded figure.
    @Test(arguments: goldenCases.map { "\($0.model)/\(goldenName($0.image, $0.quality))" })
    func goldenFileDecodesToItsLatentsAndPSNR(name: String) throws {
        let c = Self.goldenCases.first { "\($0.model)/\(Self.goldenName($0.image, $0.quality))" == name }!
        let codec = try ShippedCodecs.codec(c.model)
        let original = try ShippedCodecs.image(c.image)
        let golden = try Golden.required("Samples/golden/\(name).cae")
        let (header, payload, _) = try CAEReader.read(golden)
        let latent = codec.model.latent(PixelConversion.paddedTensor(original, multiple: codec.rate))
        // Through the model's own payload reader: one stream, or a hyperprior's z and y streams (§9.1).
        let decodedSymbols = try codec.model.symbols(
            payload: payload[...], height: latent.shape[2], width: latent.shape[3], quality: Int(header.quality))
        #expect(decodedSymbols == codec.model.symbols(latent, quality: Int(header.quality)))

        let decoded = try codec.decode(golden)
        #expect(decoded.width == original.width && decoded.height == original.height)
        let measured = psnr(original, decoded)
        let text = Golden.bytes("Samples/golden/\(name).psnr", recording: Array("\(measured)\n".utf8))
        guard let text,
            let recorded = Double(String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        #expect(abs(measured - recorded) <= 0.05, "PSNR \(measured) vs recorded \(recorded)")
    }

    @Test func encodingIsDeterministicAndIndependentOfThreads() throws {
        let codec = try ShippedCodecs.codec("cae-r4")
        let image = try ShippedCodecs.image("odd-97x61.png")
        let once = try codec.encode(image, quality: 5)
        let again = try codec.encode(image, quality: 5)
        let serial = try TensorParallelism.$maxWorkers.withValue(1) { try codec.encode(image, quality: 5) }
        #expect(once == again)
        #expect(once == serial)
    }

    @Test(arguments: [(1, 1), (33, 17), (2000, 3), (3, 41)])
    func oddSizesRoundTrip(width: Int, height: Int) throws {
        let codec = try ShippedCodecs.codec("cae-r8")
        var random = SeededRandom(seed: UInt64(width * 1000 + height))
        // A smooth gradient with a little noise, so that the reconstruction is meaningful.
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    let base = Double(x * 255 / max(1, width - 1) + c * 40 + y * 3)
                    pixels[(y * width + x) * 3 + c] = UInt8(max(0, min(255, base + Double(random.next() % 9) - 4)))
                }
            }
        }
        let image = RGBImage(width: width, height: height, pixels: pixels)
        let file = try codec.encode(image, quality: 8)
        let info = try Caec.peek(file)
        #expect(info.width == width && info.height == height && info.modelID == "cae-r8")
        let decoded = try codec.decode(file)
        #expect(decoded.width == width && decoded.height == height)
        #expect(psnr(image, decoded) > 12)
    }

    @Test func qualityLadderGrowsTheFile() throws {
        let codec = try ShippedCodecs.codec("cae-r4")
        let image = try ShippedCodecs.image("cifar-test-0001-horse.png")
        let sizes = try codec.qualities.map { try codec.encode(image, quality: $0).count }
        #expect(zip(sizes, sizes.dropFirst()).allSatisfy { $0 < $1 }, "\(sizes)")
    }

    @Test func qualityOutsideTheLadderIsAnInvalidArgument() throws {
        let codec = try ShippedCodecs.codec("cae-r4")
        let image = try ShippedCodecs.image("cifar-test-0001-horse.png")
        #expect(throws: CaecError.self) { try codec.encode(image, quality: 0) }
        do {
            _ = try codec.encode(image, quality: 99)
        } catch {
            #expect(error.code == .invalidArgument)
        }
    }
}

/// PSNR in dB of two 8-bit images.
func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
    var sum: Double = 0
    for i in a.pixels.indices {
        let d = Double(a.pixels[i]) - Double(b.pixels[i])
        sum += d * d
    }
    let mse = sum / Double(a.pixels.count)
    return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
}
