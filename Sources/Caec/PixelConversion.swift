import CaecCore
import CaecTensor

/// Between 8-bit RGB images and (1, 3, H, W) tensors of pixels / 255.
package enum PixelConversion {
    /// The image as a tensor, padded on the right and bottom to multiples of `multiple` by repeating the last
    /// column and row.
    package static func paddedTensor(_ image: RGBImage, multiple: Int) -> Tensor {
        let (w, h) = (image.width, image.height)
        let pw = (w + multiple - 1) / multiple * multiple
        let ph = (h + multiple - 1) / multiple * multiple
        var data = [Float](repeating: 0, count: 3 * pw * ph)
        let scale: Float = 1 / 255
        image.pixels.withUnsafeBufferPointer { src in
            data.withUnsafeMutableBufferPointer { dst in
                for y in 0..<ph {
                    let sy = min(y, h - 1)
                    for x in 0..<pw {
                        let s = (sy * w + min(x, w - 1)) * 3
                        for c in 0..<3 { dst[(c * ph + y) * pw + x] = Float(src[s + c]) * scale }
                    }
                }
            }
        }
        return Tensor(shape: [1, 3, ph, pw], data: data)
    }

    /// The top-left `width` x `height` of a (1, 3, H, W) tensor as 8-bit pixels: round(255 x), clamped.
    package static func image(_ tensor: Tensor, width: Int, height: Int) -> RGBImage {
        let (_, _, ph, pw) = tensor.nchw
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        tensor.data.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    for x in 0..<width {
                        for c in 0..<3 {
                            let v = (src[(c * ph + y) * pw + x] * 255).rounded()
                            dst[(y * width + x) * 3 + c] = UInt8(max(0, min(255, v.isNaN ? 0 : v)))
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// A gray file's pixels (Spec/cae-format.md §4): every pixel's three channels replaced by the mean of its
    /// decoded R, G and B, rounded to nearest, `(R + G + B + 1) / 3` in integers.
    package static func gray(_ image: RGBImage) -> RGBImage {
        var pixels = image.pixels
        for p in stride(from: 0, to: pixels.count, by: 3) {
            let mean = UInt8((Int(pixels[p]) + Int(pixels[p + 1]) + Int(pixels[p + 2]) + 1) / 3)
            (pixels[p], pixels[p + 1], pixels[p + 2]) = (mean, mean, mean)
        }
        return RGBImage(width: image.width, height: image.height, pixels: pixels)
    }
}
