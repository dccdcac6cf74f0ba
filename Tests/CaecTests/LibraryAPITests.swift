import Caec
import CaecTensor
import CaecTestSupport
import Foundation
import Testing

/// The embedding API beyond encode/decode: loading by model id, the 0...100 quality scale, target sizes, a thread
/// count per codec, and checked pixel buffers.
@Suite struct LibraryAPITests {
    /// A fresh folder under the system's temporary directory, removed by `remove()`.
    struct Folder {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("caec-lib-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        func file(_ name: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: path + "/" + name))
        }
        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    // MARK: Loading by model id

    /// The first folder that has `<id>.caew` wins; a folder without it is skipped.
    @Test func modelIDIsFoundInTheFirstFolderThatHasIt() throws {
        let (empty, models) = (try Folder(), try Folder())
        defer {
            empty.remove()
            models.remove()
        }
        let weights = try Golden.required("Models/cae-r4.caew")
        try models.file("cae-r4.caew", weights)
        let codec = try CaecCodec(modelID: "cae-r4", searchPaths: [empty.path, models.path + "/"])
        #expect(codec.modelID == "cae-r4")
        let image = try ShippedCodecs.image("cifar-test-0001-horse.png")
        #expect(try codec.encode(image, quality: 3) == CaecCodec(weights: weights).encode(image, quality: 3))
    }

    @Test func missingWeightsListEveryPathTried() throws {
        let (a, b) = (try Folder(), try Folder())
        defer {
            a.remove()
            b.remove()
        }
        let error = #expect(throws: CaecError.self) { try CaecCodec(modelID: "cae-r8", searchPaths: [a.path, b.path]) }
        #expect(error?.code == .modelNotFound)
        #expect(error?.message.contains("\(a.path)/cae-r8.caew, \(b.path)/cae-r8.caew") == true, "\(error!)")
        let none = #expect(throws: CaecError.self) { try CaecCodec(modelID: "cae-r8", searchPaths: []) }
        #expect(none?.code == .modelNotFound)
    }

    /// A file under the id's name that is corrupt, another model's, or not a file stops the search with
    /// `.invalidModel` naming the path, even when a later folder has good weights.
    @Test func aBadFileStopsTheSearch() throws {
        let (bad, good) = (try Folder(), try Folder())
        defer {
            bad.remove()
            good.remove()
        }
        try good.file("cae-r4.caew", try Golden.required("Models/cae-r4.caew"))
        try bad.file("cae-r4.caew", try Golden.required("Models/cae-r8.caew"))
        let other = #expect(throws: CaecError.self) {
            try CaecCodec(modelID: "cae-r4", searchPaths: [bad.path, good.path])
        }
        #expect(other?.code == .invalidModel)
        #expect(other?.message.contains("holds the weights of 'cae-r8', not 'cae-r4'") == true, "\(other!)")
        try bad.file("cae-r4.caew", [0x43, 0x41, 0x45, 0x57, 1, 2, 3])
        let corrupt = #expect(throws: CaecError.self) { try CaecCodec(modelID: "cae-r4", searchPaths: [bad.path]) }
        #expect(corrupt?.code == .invalidModel)
        #expect(corrupt?.message.hasPrefix("\(bad.path)/cae-r4.caew: ") == true)
        try FileManager.default.createDirectory(atPath: bad.path + "/cae-r2.caew", withIntermediateDirectories: false)
        let folder = #expect(throws: CaecError.self) { try CaecCodec(modelID: "cae-r2", searchPaths: [bad.path]) }
        #expect(folder?.code == .invalidModel)
        #expect(folder?.message.contains("not a regular file") == true)
    }

    @Test(arguments: ["", "..", "../cae-r4", "a/b", "cae r4"])
    func idsThatAreNotFileNamesAreRefused(id: String) throws {
        let error = #expect(throws: CaecError.self) { try CaecCodec(modelID: id, searchPaths: ["Models"]) }
        #expect(error?.code == .invalidArgument)
    }

    // MARK: The 0...100 quality scale

    /// 1 + round(p (Q - 1) / 100), halves up: the bands of an 8-quality model, and the ends of every model.
    @Test func percentMapsLinearlyOntoTheModelsQualities() throws {
        let eight = [0: 1, 7: 1, 8: 2, 21: 2, 22: 3, 49: 4, 50: 5, 64: 5, 65: 6, 92: 7, 93: 8, 100: 8]
        for (percent, quality) in eight {
            #expect(CaecCodec.modelQuality(percent: percent, qualityCount: 8) == quality, "\(percent)")
        }
        for count in 1...16 {
            let mapped = (0...100).map { CaecCodec.modelQuality(percent: $0, qualityCount: count)! }
            #expect(mapped.first == 1 && mapped.last == count)
            #expect(zip(mapped, mapped.dropFirst()).allSatisfy { $1 == $0 || $1 == $0 + 1 })
            #expect(Set(mapped) == Set(1...count))
        }
        #expect(CaecCodec.modelQuality(percent: -1, qualityCount: 8) == nil)
        #expect(CaecCodec.modelQuality(percent: 101, qualityCount: 8) == nil)
        let codec = try ShippedCodecs.codec("bmshj-f-vr")
        #expect(try codec.modelQuality(percent: 50) == 5)
        #expect(throws: CaecError(.invalidArgument, "quality 101 is outside 0...100")) {
            try codec.modelQuality(percent: 101)
        }
    }

    // MARK: Target sizes

    /// The highest quality whose file fits, byte-identical to encoding at that quality; never over the budget.
    @Test(arguments: ["cae-r4", "bmshj-f-vr"])
    func targetBytesPicksTheHighestQualityThatFits(model: String) throws {
        let codec = try ShippedCodecs.codec(model)
        let image = try ShippedCodecs.image("odd-97x61.png")
        let files = try codec.qualities.map { q throws(CaecError) in try codec.encode(image, quality: q) }
        let sizes = files.map(\.count)
        for budget in [sizes[0], sizes[0] + 1, (sizes[2] + sizes[3]) / 2, sizes[5], sizes.last! * 2] {
            let (file, quality) = try codec.encode(image, targetBytes: budget)
            #expect(file.count <= budget)
            #expect(quality == codec.qualities.last { sizes[$0 - 1] <= budget }.map(Double.init))
            #expect(file == files[Int(quality) - 1])
        }
        let error = #expect(throws: CaecError.self) { try codec.encode(image, targetBytes: sizes[0] - 1) }
        #expect(error?.code == .invalidArgument)
        #expect(
            error?.message
                == "no quality of \(model) fits in \(sizes[0] - 1) bytes (the smallest file is \(sizes[0]) bytes)")
        #expect(throws: CaecError.self) { try codec.encode(image, targetBytes: 0) }
    }

    /// Bits per pixel become floor(bpp x pixels / 8) bytes.
    @Test func targetBitsPerPixelIsABudgetInBytes() throws {
        let codec = try ShippedCodecs.codec("cae-r4")
        let image = try ShippedCodecs.image("odd-97x61.png")
        let size = try codec.encode(image, quality: 4).count
        let bpp = Double(size * 8) / Double(image.pixelCount)
        #expect(try codec.encode(image, targetBitsPerPixel: bpp).quality >= 4)
        let below = try codec.encode(image, targetBitsPerPixel: bpp - 8.0 / Double(image.pixelCount))
        #expect(below.quality < 4 && below.file.count < size)
        for bad in [0, -1, Double.nan, Double.infinity] {
            #expect(throws: CaecError.self) { try codec.encode(image, targetBitsPerPixel: bad) }
        }
    }

    /// With effort, the file still fits, and is never worse than the plain choice's quality.
    @Test func targetBytesWithEffortStaysWithinTheBudget() throws {
        let codec = try ShippedCodecs.codec("bmshj-f-vr")
        let image = try ShippedCodecs.image("cifar-test-0001-horse.png")
        let plain = try codec.encode(image, targetBytes: 300)
        var steps = 0
        let searched = try codec.encode(image, targetBytes: 300, effort: 1) { _, _ in steps += 1 }
        #expect(searched.file.count <= 300)
        #expect(searched.quality >= plain.quality)
        #expect(steps >= CaecCodec.iterations(effort: 1))
    }

    // MARK: Threads

    /// `threads` sets the worker count inside the codec's calls, nil keeps the caller's, and the bytes do not
    /// depend on it.
    @Test func threadsBoundTheWorkersOfEachCall() throws {
        var codec = try ShippedCodecs.codec("bmshj-f-vr")
        let image = try ShippedCodecs.image("cifar-test-0001-horse.png")
        let ambient = try TensorParallelism.$maxWorkers.withValue(5) {
            try codec.withThreads { TensorParallelism.maxWorkers }
        }
        #expect(ambient == 5)
        let automatic = try codec.encode(image, quality: 4)
        codec.threads = 1
        #expect(try codec.withThreads { TensorParallelism.maxWorkers } == 1)
        var seen: Set<Int> = []
        _ = try codec.encode(image, quality: 4, effort: 1) { _, _ in seen.insert(TensorParallelism.maxWorkers) }
        #expect(seen == [1])
        #expect(try codec.encode(image, quality: 4) == automatic)
        codec.threads = 3
        #expect(
            try TensorParallelism.$maxWorkers.withValue(5) { try codec.withThreads { TensorParallelism.maxWorkers } }
                == 3)
        #expect(try codec.decode(automatic) == ShippedCodecs.codec("bmshj-f-vr").decode(automatic))
    }

    // MARK: Checked pixel buffers

    @Test func validatingInitialiserThrowsForAWrongBufferSize() throws {
        let image = try RGBImage(width: 3, height: 2, validating: Array(0..<18))
        #expect(image == RGBImage(width: 3, height: 2, pixels: Array(0..<18)))
        #expect(throws: CaecError(.invalidArgument, "pixel buffer has 17 bytes; a 3x2 RGB image needs 18")) {
            try RGBImage(width: 3, height: 2, validating: Array(repeating: 0, count: 17))
        }
        for (width, height) in [(0, 2), (2, -1), (Int.max, 2), (Int.max / 2, 2)] {
            let error = #expect(throws: CaecError.self) { try RGBImage(width: width, height: height, validating: []) }
            #expect(error?.code == .invalidArgument)
        }
    }
}
