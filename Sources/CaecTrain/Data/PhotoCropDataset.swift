import CaecCore
import CaecTensor

/// Photographs of any size kept in memory as bytes, served as random square crops with horizontal flips (the
/// training data of rate-distortion models). Images are given as pixels; reading files is the caller's job.
package struct PhotoCropDataset: Sendable {
    /// One photo as planes: (3, height, width) bytes.
    package struct Photo: Sendable {
        package let width: Int
        package let height: Int
        package let planes: [UInt8]

        package init(_ image: RGBImage) {
            width = image.width
            height = image.height
            var planes = [UInt8](repeating: 0, count: 3 * image.pixelCount)
            for p in 0..<image.pixelCount {
                for c in 0..<3 { planes[c * image.pixelCount + p] = image.pixels[3 * p + c] }
            }
            self.planes = planes
        }
    }

    package let photos: [Photo]

    package init(_ images: [RGBImage]) {
        precondition(!images.isEmpty, "PhotoCropDataset: no images")
        photos = images.map(Photo.init)
    }

    package var count: Int { photos.count }

    /// `count` crops of `side` x `side` as (count, 3, side, side) floats in [0, 1]: for each, a photo drawn
    /// uniformly, a position drawn uniformly, and a left-right mirror with probability 1/2. Photos smaller than
    /// `side` are tiled by clamping coordinates to the edge.
    package func batch(count: Int, side: Int, generator: inout SplitMix64) -> Tensor {
        var data = [Float](repeating: 0, count: count * 3 * side * side)
        for i in 0..<count {
            let photo = photos[generator.below(photos.count)]
            let y0 = generator.below(max(photo.height - side, 0) + 1)
            let x0 = generator.below(max(photo.width - side, 0) + 1)
            let flip = generator.below(2) == 1
            let plane = photo.width * photo.height
            for c in 0..<3 {
                for y in 0..<side {
                    let sy = min(y0 + y, photo.height - 1)
                    let out = ((i * 3 + c) * side + y) * side
                    let row = c * plane + sy * photo.width
                    for x in 0..<side {
                        let sx = min(x0 + (flip ? side - 1 - x : x), photo.width - 1)
                        data[out + x] = Float(photo.planes[row + sx]) * (1 / 255)
                    }
                }
            }
        }
        return Tensor(shape: [count, 3, side, side], data: data)
    }

    /// Photo `index` cropped (centred) to the largest multiple of `multiple` in each direction, as (1, 3, h, w).
    package func centerCrop(_ index: Int, multiple: Int) -> Tensor {
        let photo = photos[index]
        let h = photo.height / multiple * multiple
        let w = photo.width / multiple * multiple
        precondition(h > 0 && w > 0, "PhotoCropDataset: photo \(index) is smaller than \(multiple)")
        let (y0, x0) = ((photo.height - h) / 2, (photo.width - w) / 2)
        var data = [Float](repeating: 0, count: 3 * h * w)
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w {
                    data[(c * h + y) * w + x] =
                        Float(photo.planes[c * photo.width * photo.height + (y0 + y) * photo.width + x0 + x])
                        * (1 / 255)
                }
            }
        }
        return Tensor(shape: [1, 3, h, w], data: data)
    }
}
