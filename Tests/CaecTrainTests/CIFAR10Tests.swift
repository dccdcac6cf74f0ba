import CaecCore
import CaecTestSupport
import CaecTrain
import Testing

@Suite struct CIFAR10Tests {
    /// Two synthetic records: labels 3 and 9, each plane a distinct ramp.
    static func syntheticFile() -> [UInt8] {
        var bytes: [UInt8] = []
        for (record, label) in [(0, 3), (1, 9)] as [(Int, UInt8)] {
            bytes.append(label)
            for plane in 0..<3 {
                for p in 0..<1024 { bytes.append(UInt8((p + plane * 50 + record * 7) % 256)) }
            }
        }
        return bytes
    }

    @Test func parsesRecordsIntoPlanesAndLabels() throws {
        let batch = try CIFAR10.Batch(parsing: Self.syntheticFile())
        #expect(batch.count == 2)
        #expect(batch.labels == [3, 9])
        let image = batch.image(1)
        // Pixel (x: 5, y: 2) is plane offset 69: red 69 + 7, green 69 + 50 + 7, blue 69 + 100 + 7.
        #expect(image[5, 2] == (r: 76, g: 126, b: 176))
    }

    @Test func truncatedFileIsRejected() {
        let bytes = Array(Self.syntheticFile().dropLast(100))
        #expect(throws: CIFAR10.ParseError.badSize(bytes: 6046)) { try CIFAR10.Batch(parsing: bytes) }
        #expect(throws: CIFAR10.ParseError.badSize(bytes: 0)) { try CIFAR10.Batch(parsing: []) }
    }

    @Test func badLabelIsRejected() {
        var bytes = Self.syntheticFile()
        bytes[3073] = 10
        #expect(throws: CIFAR10.ParseError.badLabel(record: 1, value: 10)) { try CIFAR10.Batch(parsing: bytes) }
    }
}
