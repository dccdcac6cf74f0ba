import CaecCore
import CaecModel
import CaecTensor

/// Labelled square RGB images kept as bytes (C, H, W per image), converted to [0, 1] floats batch by batch.
package struct ImageDataset: Sendable {
    package let side: Int
    package let planes: [UInt8]
    package let labels: [UInt8]

    package init(side: Int, planes: [UInt8], labels: [UInt8]) {
        precondition(planes.count == labels.count * 3 * side * side, "ImageDataset: planes and labels disagree")
        self.side = side
        self.planes = planes
        self.labels = labels
    }

    package init(_ batch: CIFAR10.Batch) {
        self.init(side: CIFAR10.side, planes: batch.planes, labels: batch.labels)
    }

    package var count: Int { labels.count }

    /// Images `indices` as an (N, 3, side, side) tensor of pixels / 255 (the paper's normalisation).
    package func tensor(_ indices: some Collection<Int>) -> Tensor {
        let size = 3 * side * side
        var data = [Float](repeating: 0, count: indices.count * size)
        data.withUnsafeMutableBufferPointer { out in
            planes.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    for i in 0..<size { out[row * size + i] = Float(source[index * size + i]) * (1 / 255) }
                }
            }
        }
        return Tensor(shape: [indices.count, 3, side, side], data: data)
    }
}

/// Training-time augmentation applied to a batch tensor in place.
package struct Augmentation: Sendable, Equatable {
    /// Random crop after zero padding by this many pixels on each side (0: none).
    package var cropPadding: Int
    /// Mirror left-right with probability 1/2.
    package var horizontalFlip: Bool
    /// Pad by mirroring the image about its edge pixels (PyTorch's "reflect" padding) instead of with zeros.
    package var reflectPadding: Bool

    package static let none = Augmentation(cropPadding: 0, horizontalFlip: false)
    /// The standard CIFAR-10 recipe: pad 4, random 32x32 crop, random flip.
    package static let cifar = Augmentation(cropPadding: 4, horizontalFlip: true)
    /// airbench's: reflect-pad 2, random 32x32 crop (a translation by up to 2 pixels), random flip.
    package static let cifarTranslate2 = Augmentation(cropPadding: 2, horizontalFlip: true, reflectPadding: true)

    package init(cropPadding: Int, horizontalFlip: Bool, reflectPadding: Bool = false) {
        precondition(cropPadding >= 0, "Augmentation: negative padding")
        self.cropPadding = cropPadding
        self.horizontalFlip = horizontalFlip
        self.reflectPadding = reflectPadding
    }

    /// Augments each image of `batch` (N, C, H, W) with draws from `generator`.
    package func apply(to batch: inout Tensor, generator: inout SplitMix64) {
        guard cropPadding > 0 || horizontalFlip else { return }
        let (N, C, H, W) = batch.nchw
        let pad = cropPadding
        var scratch = [Float](repeating: 0, count: C * H * W)
        for n in 0..<N {
            let dy = pad > 0 ? generator.below(2 * pad + 1) - pad : 0
            let dx = pad > 0 ? generator.below(2 * pad + 1) - pad : 0
            let flip = horizontalFlip && generator.below(2) == 1
            let base = n * C * H * W
            for c in 0..<C {
                for y in 0..<H {
                    let sy = reflectPadding ? Self.reflect(y + dy, H) : y + dy
                    for x in 0..<W {
                        let sx0 = flip ? W - 1 - x : x
                        let sx = reflectPadding ? Self.reflect(sx0 + dx, W) : sx0 + dx
                        let inside = sy >= 0 && sy < H && sx >= 0 && sx < W
                        scratch[(c * H + y) * W + x] = inside ? batch.data[base + (c * H + sy) * W + sx] : 0
                    }
                }
            }
            batch.data.replaceSubrange(base..<base + C * H * W, with: scratch)
        }
    }

    /// Index `i` of a padded row reflected into `0..<n` about the edge pixels (-1 -> 1, n -> n - 2); `i` is at
    /// most n - 1 outside.
    static func reflect(_ i: Int, _ n: Int) -> Int { i < 0 ? -i : i >= n ? 2 * n - 2 - i : i }
}

/// Splits a dataset into shuffled mini-batches, reproducibly: epoch `e` of seed `s` always yields the same order.
package struct BatchPlan: Sendable {
    package let batchSize: Int
    package let count: Int
    package let seed: UInt64

    package init(count: Int, batchSize: Int, seed: UInt64) {
        precondition(batchSize > 0 && count > 0, "BatchPlan: empty")
        self.count = count
        self.batchSize = batchSize
        self.seed = seed
    }

    /// Batches per epoch (the last one may be smaller).
    package var batchesPerEpoch: Int { (count + batchSize - 1) / batchSize }

    /// A Fisher-Yates permutation of `0..<count` for `epoch`.
    package func order(epoch: Int) -> [Int] {
        var generator = SplitMix64(seed: seed &* 0x9E37_79B9 &+ UInt64(epoch) &+ 1)
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, generator.below(i + 1)) }
        return order
    }

    /// The generator for augmentation draws in batch `batch` of `epoch`.
    package func augmentationGenerator(epoch: Int, batch: Int) -> SplitMix64 {
        SplitMix64(seed: (seed ^ 0xA5A5_A5A5) &* 0x1000_0001 &+ UInt64(epoch) << 24 &+ UInt64(batch))
    }
}
