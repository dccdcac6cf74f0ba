import CaecCore

extension BitmapFont {
    /// Whether pixel (`x`, `y`) of `character`'s glyph is set (`x` in 0..<5, `y` in 0..<7).
    package static func isSet(_ character: Character, x: Int, y: Int) -> Bool {
        precondition((0..<glyphWidth).contains(x) && (0..<glyphHeight).contains(y), "BitmapFont: pixel outside glyph")
        let bits = glyphs[character] ?? glyphs["?"]!
        let row = (bits >> UInt64((glyphHeight - 1 - y) * glyphWidth)) & 0x1F
        return row & (1 << UInt64(glyphWidth - 1 - x)) != 0
    }

    /// The width in pixels of `text` drawn at `scale` (no trailing gap).
    package static func width(of text: String, scale: Int = 1) -> Int {
        text.isEmpty ? 0 : (text.count * advance - 1) * scale
    }

    /// Draws `text` on `image` with its top-left corner at (`x`, `y`), each font pixel a `scale` x `scale` square
    /// of `color`; whatever falls outside the image is clipped.
    package static func draw(
        _ text: String, on image: inout RGBImage, x: Int, y: Int, scale: Int = 1,
        color: (UInt8, UInt8, UInt8) = (0, 0, 0)
    ) {
        precondition(scale >= 1, "BitmapFont: scale must be at least 1")
        for (i, character) in text.enumerated() {
            let left = x + i * advance * scale
            for gy in 0..<glyphHeight {
                for gx in 0..<glyphWidth where isSet(character, x: gx, y: gy) {
                    for dy in 0..<scale {
                        let py = y + gy * scale + dy
                        guard py >= 0 && py < image.height else { continue }
                        for dx in 0..<scale {
                            let px = left + gx * scale + dx
                            guard px >= 0 && px < image.width else { continue }
                            let d = (py * image.width + px) * 3
                            (image.pixels[d], image.pixels[d + 1], image.pixels[d + 2]) = color
                        }
                    }
                }
            }
        }
    }
}
