import CaecCore

/// CIFAR-10 in its official binary layout: records of 3073 bytes, a label byte (0-9) then 1024 red, 1024 green and
/// 1024 blue bytes, each plane row-major 32x32.
package enum CIFAR10 {
    package static let side = 32
    package static let recordSize = 3073
    package static let classNames = [
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    ]
    /// File names of the training batches, in order, and of the test batch.
    package static let trainingFiles = (1...5).map { "data_batch_\($0).bin" }
    package static let testFile = "test_batch.bin"

    /// Why a batch file was rejected.
    package enum ParseError: Error, Equatable, CustomStringConvertible {
        /// The size is not a whole number of records (or is zero).
        case badSize(bytes: Int)
        /// A record's label byte is not 0-9.
        case badLabel(record: Int, value: UInt8)

        package var description: String {
            switch self {
            case .badSize(let bytes):
                "\(bytes) bytes is not a whole number of 3073-byte CIFAR-10 records (truncated or not CIFAR-10)"
            case .badLabel(let record, let value): "record \(record) has label \(value), outside 0-9"
            }
        }
    }

    /// Images and labels of one or more batch files, planes kept in the file's CHW order.
    package struct Batch: Sendable, Equatable {
        /// `count * 3072` bytes: per image, the red, green and blue 32x32 planes.
        package var planes: [UInt8]
        package var labels: [UInt8]
        package var count: Int { labels.count }

        package init(planes: [UInt8], labels: [UInt8]) {
            precondition(planes.count == labels.count * 3072, "CIFAR10.Batch: planes and labels disagree")
            self.planes = planes
            self.labels = labels
        }

        /// Parses the bytes of a batch file, checking the size and every label.
        package init(parsing bytes: [UInt8]) throws(ParseError) {
            guard !bytes.isEmpty, bytes.count % recordSize == 0 else { throw ParseError.badSize(bytes: bytes.count) }
            let count = bytes.count / recordSize
            var planes = [UInt8](repeating: 0, count: count * 3072)
            var labels = [UInt8](repeating: 0, count: count)
            for i in 0..<count {
                let label = bytes[i * recordSize]
                guard label < 10 else { throw ParseError.badLabel(record: i, value: label) }
                labels[i] = label
                let start = i * recordSize + 1
                planes.replaceSubrange(i * 3072..<(i + 1) * 3072, with: bytes[start..<start + 3072])
            }
            self.init(planes: planes, labels: labels)
        }

        /// Appends the images of `other`.
        package mutating func append(_ other: Batch) {
            planes.append(contentsOf: other.planes)
            labels.append(contentsOf: other.labels)
        }

        /// The first `count` images (or all, if fewer).
        package func prefix(_ count: Int) -> Batch {
            let n = min(count, self.count)
            return Batch(planes: Array(planes[0..<n * 3072]), labels: Array(labels[0..<n]))
        }

        /// Image `index` as interleaved RGB.
        package func image(_ index: Int) -> RGBImage {
            let base = index * 3072
            var pixels = [UInt8](repeating: 0, count: 3072)
            for p in 0..<1024 {
                pixels[p * 3] = planes[base + p]
                pixels[p * 3 + 1] = planes[base + 1024 + p]
                pixels[p * 3 + 2] = planes[base + 2048 + p]
            }
            return RGBImage(width: 32, height: 32, pixels: pixels)
        }
    }
}
