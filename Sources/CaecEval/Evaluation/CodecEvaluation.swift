import Caec
import CaecCore
import CaecMetrics

/// Real bytes and PSNR of a codec at every quality, image after image, through `CaecCodec`: the path users run
/// (`caec train photos --codec-eval`).
package struct CodecEvaluation: Sendable {
    /// One image at one quality.
    package struct Row: Sendable, Equatable {
        package let name: String
        package let quality: Int
        /// Entropy-coded payload bytes (the container's header and checksum excluded).
        package let payloadBytes: Int
        package let bpp: Double
        package let psnr: Double
    }

    /// One quality over every image so far.
    package struct Summary: Sendable, Equatable {
        package let quality: Int
        /// Payload bits over all pixels.
        package let bpp: Double
        /// Mean of the images' PSNRs.
        package let meanPSNR: Double
    }

    package let codec: CaecCodec
    package private(set) var rows: [Row] = []
    private var bits: [Double]
    private var psnrSums: [Double]
    private var pixels = 0.0
    package private(set) var images = 0

    package init(codec: CaecCodec) {
        self.codec = codec
        bits = Array(repeating: 0, count: codec.qualities.count)
        psnrSums = bits
    }

    /// Encodes `image` at every quality, decodes each file, and records its size and PSNR.
    ///
    /// - Throws: `CaecError` if the codec refuses the image or cannot decode its own file.
    package mutating func add(_ image: RGBImage, name: String) throws(CaecError) {
        let files = try codec.encodeAllQualities(image)
        let count = Double(image.pixelCount)
        pixels += count
        images += 1
        for (index, file) in files.enumerated() {
            let info = try Caec.peek(file)
            let decoded = try codec.decode(file, info: info)
            let psnr = PixelError.psnr(image, decoded)
            bits[index] += Double(info.payloadBytes * 8)
            psnrSums[index] += psnr
            rows.append(
                Row(
                    name: name, quality: index + 1, payloadBytes: info.payloadBytes,
                    bpp: Double(info.payloadBytes * 8) / count, psnr: psnr))
        }
    }

    /// Per quality: bpp over all pixels and mean PSNR.
    package var summary: [Summary] {
        bits.indices.map {
            Summary(
                quality: $0 + 1, bpp: bits[$0] / max(pixels, 1), meanPSNR: psnrSums[$0] / Double(max(images, 1)))
        }
    }

    /// `image,quality,bytes,bpp,psnr` and one line per row.
    package var csv: String {
        (["image,quality,bytes,bpp,psnr"]
            + rows.map {
                "\($0.name),\($0.quality),\($0.payloadBytes),\(NumberFormat.fixed($0.bpp, 4)),"
                    + NumberFormat.fixed($0.psnr, 3)
            }).joined(separator: "\n") + "\n"
    }
}
