import CaecCore

/// Synthetic images for the baseline and compare tests.
enum TestImages {
    /// A smooth colour gradient with a little texture, `width` x `height`, varied by `seed`.
    static func gradient(width: Int, height: Int, seed: Int = 0) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8((x * 255 / max(1, width - 1) + seed * 17) % 256)
                pixels[i + 1] = UInt8((y * 255 / max(1, height - 1) + seed * 29) % 256)
                pixels[i + 2] = UInt8(((x + y) * 4 + (x * y + seed) % 13) % 256)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
