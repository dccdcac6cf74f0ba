import CaecCore
import CaecImageIO
import CaecTestSupport
import Foundation
import Testing

@Suite struct RoundTripTests {
    static func randomImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var random = SeededRandom(seed: seed)
        return RGBImage(width: width, height: height, pixels: random.bytes(width * height * 3))
    }

    /// A smooth picture (gradients plus mild noise), the kind of content JPEG is meant for.
    static func photoLikeImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
        var random = SeededRandom(seed: seed)
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let noise = Int(random.next() % 9) - 4
                pixels.append(UInt8(clamping: x * 255 / width + noise))
                pixels.append(UInt8(clamping: y * 255 / height + noise))
                pixels.append(UInt8(clamping: 128 + (x - y) / 2 + noise))
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func psnr(_ a: RGBImage, _ b: RGBImage) -> Double {
        let squares = zip(a.pixels, b.pixels).reduce(0.0) { sum, pair in
            let d = Double(pair.0) - Double(pair.1)
            return sum + d * d
        }
        let mse = squares / Double(a.pixels.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    @Test(arguments: [(1, 1, 0), (17, 9, 1), (64, 33, 6), (31, 40, 9)])
    func pngIsLossless(width: Int, height: Int, level: Int) throws {
        let image = Self.randomImage(width: width, height: height, seed: UInt64(width * 1000 + height))
        let bytes = try PNGWriter.encode(image, compressionLevel: level)
        #expect(ImageFormat.sniff(bytes) == .png)
        #expect(try ImageReader.read(bytes) == image)
    }

    @Test func pngCompressionLevelMatters() throws {
        let image = Self.photoLikeImage(width: 96, height: 64, seed: 3)
        let stored = try PNGWriter.encode(image, compressionLevel: 0)
        let compressed = try PNGWriter.encode(image, compressionLevel: 9)
        #expect(compressed.count < stored.count)
        #expect(try ImageReader.read(stored) == image)
    }

    @Test(arguments: [ChromaSubsampling.yuv420, .yuv444])
    func jpegRoundTripHasSanePSNR(subsampling: ChromaSubsampling) throws {
        let image = Self.photoLikeImage(width: 67, height: 45, seed: 5)
        let bytes = try JPEGWriter.encode(image, quality: 90, subsampling: subsampling)
        #expect(ImageFormat.sniff(bytes) == .jpeg)
        let decoded = try ImageReader.read(bytes)
        #expect(decoded.width == image.width && decoded.height == image.height)
        let psnr = Self.psnr(decoded, image)
        #expect(psnr > 32 && psnr < 60, "PSNR \(psnr) dB")
    }

    @Test func yuv444KeepsMoreColourThanYuv420() throws {
        // Sharp red/blue stripes one pixel wide: 4:2:0 must smear them, 4:4:4 need not.
        var pixels: [UInt8] = []
        for _ in 0..<32 {
            for x in 0..<32 { pixels += x % 2 == 0 ? [230, 20, 20] : [20, 20, 230] }
        }
        let image = RGBImage(width: 32, height: 32, pixels: pixels)
        let full = try ImageReader.read(try JPEGWriter.encode(image, quality: 95, subsampling: .yuv444))
        let half = try ImageReader.read(try JPEGWriter.encode(image, quality: 95, subsampling: .yuv420))
        #expect(Self.psnr(full, image) > Self.psnr(half, image) + 3)
    }

    @Test func qualityChangesSize() throws {
        let image = Self.photoLikeImage(width: 80, height: 60, seed: 11)
        let sizes = try [10, 50, 95].map { try JPEGWriter.encode(image, quality: $0).count }
        #expect(sizes[0] < sizes[1] && sizes[1] < sizes[2], "sizes \(sizes)")
    }

    @Test func jpegWriterMatchesCjpeg() throws {
        // Same library and settings as `cjpeg -quality 75 -optimize`: identical bytes after the JFIF header.
        let image = Self.photoLikeImage(width: 24, height: 16, seed: 2)
        let ppm = Array("P6\n24 16\n255\n".utf8) + image.pixels
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("caec-imageio-\(getpid()).ppm")
        try Data(ppm).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let reference = try Fixtures.run("cjpeg", ["-quality", "75", "-optimize", path.path])
        #expect(try JPEGWriter.encode(image, quality: 75) == reference)
    }
}
