import Caec
import CaecCore
import CaecMetrics

/// Images side by side at matched file size: original, JPEG, WebP, AVIF, JPEG XL and caec, for looking at what each
/// codec does with the same number of bytes.
package enum MatchedGrid {
    /// The tiles of a grid with a label per tile and a caption per row.
    package struct Grid {
        /// One row per image: original, JPEG, WebP, AVIF, JPEG XL, caec (centre crops).
        package var rows: [[RGBImage]]
        /// Per tile: codec and quality, bytes, PSNR of the whole decoded image (for `ImageGrid`'s labels).
        package var labels: [[[String]]]
        /// Per row, the same as one line of text.
        package var captions: [String]
        /// The column names, in order.
        package static let columns = ["original", "JPEG", "WebP", "AVIF", "JPEG XL", "caec"]
    }

    /// The JPEG XL qualities the grid searches: 5...99 in steps of 2. Below 5, cjxl 0.7's quality scale
    /// (`JXLCodec.distance(quality:)`) passes distance 25, libjxl's limit (quality 4 is distance 25.2), and the small
    /// files of 32x32 images send the search there.
    package static let defaultJXLQualities = Array(stride(from: 5, through: 99, by: 2))

    /// One row per image: the original, then JPEG, WebP, AVIF and JPEG XL at the qualities of their ladders whose
    /// files are closest in size to caec's file at `quality`, then caec. Large images are cropped to their central
    /// `crop` x `crop` pixels after coding (the coding sees the whole image).
    package static func grid(
        images: [RGBImage], codec: CaecCodec, quality: Int, jpegQualities: [Int] = Array(1...100),
        webpQualities: [Int] = Array(stride(from: 0, through: 100, by: 2)),
        avifQualities: [Int] = Array(stride(from: 0, through: 100, by: 2)),
        jxlQualities: [Int] = defaultJXLQualities, crop: Int = 192
    ) throws -> Grid {
        var grid = Grid(rows: [], labels: [], captions: [])
        for image in images {
            let file = try codec.encode(image, quality: quality)
            let caec = try codec.decode(file)
            let target = file.count
            let limits = CompareRunner.limits(image)
            let baselines: [(name: String, qualities: [Int], run: (Int) throws -> ([UInt8], () throws -> RGBImage))] = [
                (
                    "JPEG", jpegQualities,
                    { q in
                        let r = try JPEGBaseline.run(image, quality: q); return (r.file, { r.decoded })
                    }
                ),
                (
                    "WebP", webpQualities,
                    { q in
                        let f = try WebPCodec.encode(image, quality: q);
                        return (f, { try WebPCodec.decode(f, limits: limits) })
                    }
                ),
                (
                    "AVIF", avifQualities,
                    { q in
                        let f = try AVIFCodec.encode(image, quality: q);
                        return (f, { try AVIFCodec.decode(f, limits: limits) })
                    }
                ),
                (
                    "JPEG XL", jxlQualities,
                    { q in
                        let f = try JXLCodec.encode(image, quality: q);
                        return (f, { try JXLCodec.decode(f, limits: limits) })
                    }
                ),
            ]
            var tiles = [image]
            var labels = [["original", "\(image.width)x\(image.height)"]]
            var caption = ["original"]
            for baseline in baselines {
                var best: (quality: Int, bytes: Int, decode: () throws -> RGBImage)?
                for q in try closestFirst(baseline.qualities, target: target, size: { try baseline.run($0).0.count }) {
                    let (bytes, decode) = try baseline.run(q)
                    if best == nil || abs(bytes.count - target) < abs(best!.bytes - target) {
                        best = (q, bytes.count, decode)
                    }
                }
                guard let best else { continue }
                let decoded = try best.decode()
                tiles.append(decoded)
                labels.append(label("\(baseline.name) q\(best.quality)", best.bytes, image, decoded))
                caption.append("\(baseline.name) q\(best.quality) \(best.bytes) B")
            }
            tiles.append(caec)
            labels.append(label("\(codec.modelID) q\(quality)", target, image, caec))
            caption.append("\(codec.modelID) q\(quality) \(target) B")
            grid.rows.append(tiles.map { center($0, crop) })
            grid.labels.append(labels)
            grid.captions.append(caption.joined(separator: " | "))
        }
        return grid
    }

    /// The qualities worth encoding to find the file closest to `target` bytes: sizes grow with quality, so a binary
    /// search over the sorted ladder finds the first at or above the target, and it and its lower neighbour are the
    /// candidates (about log2(n) encodings instead of n).
    static func closestFirst(_ qualities: [Int], target: Int, size: (Int) throws -> Int) throws -> [Int] {
        let sorted = qualities.sorted()
        guard !sorted.isEmpty else { return [] }
        var (low, high) = (0, sorted.count)
        while low < high {
            let mid = (low + high) / 2
            if try size(sorted[mid]) < target { low = mid + 1 } else { high = mid }
        }
        return [low - 1, low].filter { sorted.indices.contains($0) }.map { sorted[$0] }
    }

    static func label(_ name: String, _ bytes: Int, _ original: RGBImage, _ decoded: RGBImage) -> [String] {
        [name, "\(bytes) B \(NumberFormat.fixed(PixelError.psnr(original, decoded), 2)) dB"]
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
