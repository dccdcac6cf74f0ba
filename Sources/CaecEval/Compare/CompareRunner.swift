import Caec
import CaecCore
import CaecMetrics
import Dispatch

/// Encodes, decodes and measures images for `caec compare`.
package enum CompareRunner {
    /// A failure on one image: which one, and what went wrong.
    package struct Failure: Error, Sendable {
        package var index: Int
        package var name: String
        package var reason: String

        package init(index: Int, name: String, reason: String) {
            self.index = index
            self.name = name
            self.reason = reason
        }
    }

    /// The rows of one image: every method at every quality, in `plan.keys` order.
    package static func evaluate(_ item: CompareItem, plan: ComparePlan) throws(Failure) -> [CompareRow] {
        let image = item.image
        var outputs: [(key: RowKey, bytes: Int, scanBytes: Int?, decoded: RGBImage)] = []
        do {
            for method in plan.methods {
                switch method {
                case .caec(let codec, let effort, _):
                    let qualities = method.qualities
                    let files =
                        effort > 0 || qualities.count < codec.qualities.count
                        ? try qualities.map { try codec.encode(image, quality: $0, effort: effort) }
                        : try codec.encodeAllQualities(image)
                    for (quality, file) in zip(qualities, files) {
                        let decoded = try codec.decode(file)
                        outputs.append((RowKey(method: method.name, quality: quality), file.count, nil, decoded))
                    }
                case .jpeg(let qualities):
                    for quality in qualities {
                        let result = try JPEGBaseline.run(image, quality: quality)
                        outputs.append(
                            (
                                RowKey(method: "jpeg", quality: quality), result.file.count, result.scanBytes,
                                result.decoded
                            ))
                    }
                case .webp(let qualities):
                    for quality in qualities {
                        let file = try WebPCodec.encode(image, quality: quality)
                        let decoded = try WebPCodec.decode(
                            file,
                            limits: ImageLimits(
                                maxWidth: image.width, maxHeight: image.height, maxPixels: image.pixelCount))
                        outputs.append((RowKey(method: "webp", quality: quality), file.count, nil, decoded))
                    }
                case .avif(let qualities):
                    for quality in qualities {
                        let file = try AVIFCodec.encode(image, quality: quality)
                        let decoded = try AVIFCodec.decode(file, limits: Self.limits(image))
                        outputs.append((RowKey(method: "avif", quality: quality), file.count, nil, decoded))
                    }
                case .jxl(let qualities):
                    for quality in qualities {
                        let file = try JXLCodec.encode(image, quality: quality)
                        let decoded = try JXLCodec.decode(file, limits: Self.limits(image))
                        outputs.append((RowKey(method: "jxl", quality: quality), file.count, nil, decoded))
                    }
                }
            }
        } catch {
            throw Failure(index: item.index, name: item.name, reason: "\(error)")
        }
        var predictions: [Int]? = nil
        if let classifier = plan.classifier, ImageClassifier.accepts(image) {
            predictions = classifier.predictions([image] + outputs.map(\.decoded))
        }
        return outputs.enumerated().map { i, output in
            let mse = PixelError.mse(image, output.decoded)
            return CompareRow(
                index: item.index, image: item.name, width: image.width, height: image.height, label: item.label,
                method: output.key.method, quality: output.key.quality, bytes: output.bytes,
                scanBytes: output.scanBytes, mse: mse, psnr: PixelError.psnr(mse: mse),
                ssim: SSIM.ssim(image, output.decoded), msSSIM: SSIM.msSSIM(image, output.decoded),
                predictionOriginal: predictions?[0], prediction: predictions?[i + 1])
        }
    }

    /// Limits that admit exactly the size of `image`: a baseline must decode to what it was given.
    static func limits(_ image: RGBImage) -> ImageLimits {
        ImageLimits(maxWidth: image.width, maxHeight: image.height, maxPixels: image.pixelCount)
    }

    /// The CSV lines of `indices`, evaluated on `jobs` threads; the result is in `indices` order whatever the
    /// scheduling. `load` reads or slices an input and may run on any thread.
    ///
    /// `imageDone`, when given, is called once after each image with its CSV lines (empty when it failed), never by
    /// two threads at a time, so a caller can record every finished image at once.
    ///
    /// - Throws: the failure of the lowest failing index.
    package static func evaluate(
        _ indices: [Int], plan: ComparePlan, jobs: Int, imageDone: (@Sendable ([String]) -> Void)? = nil,
        load: @Sendable (Int) -> Result<CompareItem, Failure>
    ) throws(Failure) -> [[String]] {
        let slots = ResultSlots(count: indices.count)
        let workers = max(1, min(jobs, indices.count))
        let next = AtomicCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.increment()
                guard i < indices.count else { return }
                let result = load(indices[i]).flatMap { item in
                    Result { () throws(Failure) in try evaluate(item, plan: plan).map(\.csvLine) }
                }
                slots.set(i, result, then: imageDone)
            }
        }
        return try slots.values.map { result throws(Failure) in try result.get() }
    }
}

/// One result slot per index; each slot is written by exactly one worker before `concurrentPerform` returns.
private final class ResultSlots: @unchecked Sendable {
    private var storage: [Result<[String], CompareRunner.Failure>?]
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    /// Stores `value`, then runs `then` while still holding the lock.
    func set(_ i: Int, _ value: Result<[String], CompareRunner.Failure>, then: (@Sendable ([String]) -> Void)? = nil) {
        lock.wait()
        storage[i] = value
        then?((try? value.get()) ?? [])
        lock.signal()
    }

    var values: [Result<[String], CompareRunner.Failure>] { storage.map { $0! } }
}

/// A shared work counter (a semaphore-guarded integer: contention is one increment per image).
private final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = DispatchSemaphore(value: 1)

    func increment() -> Int {
        lock.wait()
        defer { lock.signal() }
        value += 1
        return value - 1
    }
}
