import Caec
import CaecCore

/// Images side by side at matched file size: original, JPEG, WebP and caec, for looking at what each codec does
/// with the same number of bytes.
package enum MatchedGrid {
    /// One row per image: the original, then JPEG and WebP at the qualities (from `jpegQualities`,
    /// `webpQualities`) whose files are closest in size to caec's file at `quality`, then caec. Large images are
    /// cropped to their central `crop` x `crop` pixels after coding (the coding sees the whole image).
    /// Returns the rows and a caption per row.
    package static func rows(
        images: [RGBImage], codec: CaecCodec, quality: Int, jpegQualities: [Int], webpQualities: [Int], crop: Int = 192
    ) throws -> (rows: [[RGBImage]], captions: [String]) {
        var rows: [[RGBImage]] = []
        var captions: [String] = []
        for image in images {
            let file = try codec.encode(image, quality: quality)
            let caec = try codec.decode(file)
            let target = file.count
            var jpeg: (quality: Int, bytes: Int, image: RGBImage)?
            for q in jpegQualities {
                let result = try JPEGBaseline.run(image, quality: q)
                if jpeg == nil || abs(result.file.count - target) < abs(jpeg!.bytes - target) {
                    jpeg = (q, result.file.count, result.decoded)
                }
            }
            var webp: (quality: Int, bytes: Int, image: RGBImage)?
            for q in webpQualities {
                let encoded = try WebPCodec.encode(image, quality: q)
                if webp == nil || abs(encoded.count - target) < abs(webp!.bytes - target) {
                    webp = (q, encoded.count, try WebPCodec.decode(encoded))
                }
            }
            rows.append([image, jpeg!.image, webp!.image, caec].map { center($0, crop) })
            captions.append(
                "original | JPEG q\(jpeg!.quality) \(jpeg!.bytes) B | WebP q\(webp!.quality) \(webp!.bytes) B | "
                    + "\(codec.modelID) q\(quality) \(target) B")
        }
        return (rows, captions)
    }

    /// The central `side` x `side` pixels (or the whole image if smaller).
    static func center(_ image: RGBImage, _ side: Int) -> RGBImage {
        let (w, h) = (min(side, image.width), min(side, image.height))
        guard w < image.width || h < image.height else { return image }
        let (x0, y0) = ((image.width - w) / 2, (image.height - h) / 2)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let source = ((y0 + y) * image.width + x0) * 3
            pixels.replaceSubrange(y * w * 3..<(y + 1) * w * 3, with: image.pixels[source..<source + w * 3])
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }
}
