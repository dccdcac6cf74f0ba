import CaecCore
import CaecImageIO

/// Images side by side in a grid at one matched size, for looking at reconstructions next to their original.
package enum ImageGrid {
    /// Lays out `rows` of images on a `background` canvas: every image is scaled (nearest neighbour) to the size of
    /// the first one times `scale`, with `gap` pixels between cells.
    ///
    /// - Precondition: at least one image; `scale >= 1`, `gap >= 0`.
    package static func compose(
        _ rows: [[RGBImage]], scale: Int = 1, gap: Int = 2, background: (UInt8, UInt8, UInt8) = (255, 255, 255)
    ) -> RGBImage {
        precondition(scale >= 1 && gap >= 0, "ImageGrid: scale >= 1 and gap >= 0")
        guard let first = rows.first(where: { !$0.isEmpty })?.first else {
            preconditionFailure("ImageGrid: no images")
        }
        let (cellW, cellH) = (first.width * scale, first.height * scale)
        let columns = rows.map(\.count).max()!
        let width = columns * cellW + (columns + 1) * gap
        let height = rows.count * cellH + (rows.count + 1) * gap
        var canvas = RGBImage(width: width, height: height, fill: background)
        for (r, row) in rows.enumerated() {
            for (c, image) in row.enumerated() {
                let (x0, y0) = (gap + c * (cellW + gap), gap + r * (cellH + gap))
                for y in 0..<cellH {
                    let sy = y * image.height / cellH
                    for x in 0..<cellW {
                        let sx = x * image.width / cellW
                        let s = (sy * image.width + sx) * 3
                        let d = ((y0 + y) * width + x0 + x) * 3
                        canvas.pixels[d] = image.pixels[s]
                        canvas.pixels[d + 1] = image.pixels[s + 1]
                        canvas.pixels[d + 2] = image.pixels[s + 2]
                    }
                }
            }
        }
        return canvas
    }

    /// `compose` encoded as a PNG file.
    package static func png(_ rows: [[RGBImage]], scale: Int = 1, gap: Int = 2) throws(ImageIOError) -> [UInt8] {
        try PNGWriter.encode(compose(rows, scale: scale, gap: gap), compressionLevel: 6)
    }
}
