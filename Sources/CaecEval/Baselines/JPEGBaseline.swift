import CaecCore
import CaecImageIO

/// JPEG as a baseline: libjpeg-turbo through `JPEGWriter`, 4:2:0, optimised Huffman tables (as Pillow's
/// `optimize=True`), decoded back with `ImageReader`.
package enum JPEGBaseline {
    /// The default quality ladder of `caec compare`.
    package static let defaultQualities = [5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95]

    /// One encoded file with its sizes and decoded pixels.
    package struct Result: Sendable {
        package let file: [UInt8]
        /// Bytes after the SOS header (see `JPEGScan`).
        package let scanBytes: Int
        package let decoded: RGBImage
    }

    /// Encodes `image` at `quality` (1...100), measures its scan and decodes it.
    package static func run(_ image: RGBImage, quality: Int) throws(BaselineError) -> Result {
        let file: [UInt8]
        do {
            file = try JPEGWriter.encode(image, quality: quality, subsampling: .yuv420)
        } catch { throw .encodingFailed(codec: "JPEG", message: error.description) }
        let scan = try JPEGScan.scanByteCount(file)
        var options = ImageReadOptions()
        options.limits = ImageLimits(
            maxWidth: image.width, maxHeight: image.height, maxPixels: image.pixelCount)
        let decoded: RGBImage
        do { decoded = try ImageReader.read(file, options: options) } catch {
            throw .decodingFailed(codec: "JPEG", message: error.description)
        }
        return Result(file: file, scanBytes: scan, decoded: decoded)
    }
}
