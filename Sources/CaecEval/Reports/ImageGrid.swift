import CaecCore
import CaecImageIO

/// Images side by side in a grid at one matched size, for looking at reconstructions next to their original.
package enum ImageGrid {
    /// Lays out `rows` of images on a `background` canvas: every image is scaled (nearest neighbour) to the size of
    /// the first one times `scale`, with `gap` pixels between cells. `labels[r][c]` are lines of text drawn under
    /// the tile in row `r`, column `c` with `BitmapFont` (cut to the tile's width); every row of tiles gets room for
    /// the most lines any tile has.
    ///
    /// - Precondition: at least one image; `scale >= 1`, `gap >= 0`.
    package static func compose(
        _ rows: [[RGBImage]], labels: [[[String]]] = [], scale: Int = 1, gap: Int = 2,
        background: (UInt8, UInt8, UInt8) = (255, 255, 255)
    ) -> RGBImage {
        precondition(scale >= 1 && gap >= 0, "ImageGrid: scale >= 1 and gap >= 0")
        let labelLines = labels.joined().map(\.count).max() ?? 0
        let labelHeight = labelLines > 0 ? labelLines * BitmapFont.lineHeight + 2 : 0
        guard let first = rows.first(where: { !$0.isEmpty })?.first else {
            preconditionFailure("ImageGrid: no images")
        }
        let (cellW, cellH) = (first.width * scale, first.height * scale)
        let columns = rows.map(\.count).max()!
        let width = columns * cellW + (columns + 1) * gap
        let height = rows.count * (cellH + labelHeight) + (rows.count + 1) * gap
        var canvas = RGBImage(width: width, height: height, fill: background)
        for (r, row) in rows.enumerated() {
            for (c, image) in row.enumerated() {
                let (x0, y0) = (gap + c * (cellW + gap), gap + r * (cellH + labelHeight + gap))
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
                let lines = r < labels.count && c < labels[r].count ? labels[r][c] : []
                let fit = (cellW + 1) / BitmapFont.advance
                for (i, line) in lines.enumerated() {
                    BitmapFont.draw(
                        String(line.prefix(fit)), on: &canvas, x: x0, y: y0 + cellH + 2 + i * BitmapFont.lineHeight,
                        color: (32, 32, 32))
                }
            }
        }
        return canvas
    }

    /// `compose` encoded as a PNG file.
    package static func png(
        _ rows: [[RGBImage]], labels: [[[String]]] = [], scale: Int = 1, gap: Int = 2
    ) throws(ImageIOError) -> [UInt8] {
        try PNGWriter.encode(compose(rows, labels: labels, scale: scale, gap: gap), compressionLevel: 6)
    }
}
