import CaecCore
import CaecEntropy
import CaecFormat
import CaecModel
import CaecTensor

@_exported import struct CaecCore.ImageLimits
@_exported import struct CaecCore.RGBImage

/// A learned image codec bound to one model: encodes RGB pixels to `.cae` bytes and decodes them back.
///
/// Load it once from the model's weights file (`Models/<model-id>.caew`), then call `encode` and `decode` from any
/// number of threads: the codec is an immutable value.
///
/// ```swift
/// let codec = try CaecCodec(weights: weightsBytes)
/// let file = try codec.encode(image, quality: 4)
/// let back = try codec.decode(file)
/// ```
public struct CaecCodec: Sendable {
    package var model: CodecModel

    /// Worker threads each `encode` and `decode` of this codec may use, at least 1; nil (the default) leaves the
    /// choice to the caller's `TensorParallelism` scope, which is one worker per online processor unless the
    /// process narrowed it.
    ///
    /// The count changes the speed only: the same input gives the same bytes and pixels with any count. It bounds
    /// caec's own workers; OpenBLAS runs on the calling worker (see the "Threads and OpenBLAS" article).
    ///
    /// - Precondition: nil or at least 1.
    public var threads: Int? = nil {
        didSet { precondition(threads.map { $0 >= 1 } ?? true, "CaecCodec.threads must be nil or at least 1") }
    }

    /// Loads a model's weights file, checking every tensor and the codec's tables.
    ///
    /// - Throws: `CaecError` with code `.invalidModel` if the file is corrupt, incomplete or not a codec model.
    public init(weights: [UInt8]) throws(CaecError) {
        model = try CodecModel(weights: weights)
    }

    /// The model's stable id, such as `cae-r8`.
    public var modelID: String { model.id }

    /// How many times the latent is smaller than the image in width and height.
    public var rate: Int { model.rate }

    /// The qualities this model offers; higher is larger and closer to the original.
    public var qualities: ClosedRange<Int> { 1...model.operatingPoints.count }

    /// Compresses `image` at `quality`, with `metadata` (ICC profile, EXIF, XMP, gray) stored beside the latent.
    ///
    /// At `effort` 0 (the default) the same pixels, model, quality and metadata give the same bytes on every
    /// machine: the encoder runs kernels with a fixed summation order. Above 0, models that support it
    /// (`effortLevels`) search for symbols that lower rate + lambda x distortion for this image (stochastic Gumbel
    /// annealing, `CaecCodec.iterations(effort:)` steps of the decoder's gradient): smaller or better files, decoded by
    /// the same decoder, but the search runs the fast kernels, so its bytes may differ between machines. Images
    /// whose sides are not multiples of `rate` are padded by repeating their last row and column; the decoder crops
    /// the padding away. Without metadata the file is a version 1.0 file; with metadata or gray, version 1.1
    /// (Spec/cae-format.md §11).
    ///
    /// - Parameters:
    ///   - image: the pixels, any size up to 65536 a side.
    ///   - quality: the model's quality index, in `qualities` (`modelQuality(percent:)` maps 0...100 onto it).
    ///   - metadata: the ICC profile, EXIF, XMP and gray flag to store; none by default.
    ///   - effort: 0 ... `CaecCodec.maxEffort`; ignored (treated as 0) by models without refinement.
    ///   - progress: with effort, called after each search step with (steps done, steps in all).
    /// - Throws: `CaecError` `.invalidArgument` for a quality outside `qualities`, an effort outside
    ///   `0...maxEffort`, or a metadata item over `CaecMetadata.maxBlockBytes`; `.tooLarge` for a side over 65536.
    public func encode(
        _ image: RGBImage, quality: Int, metadata: CaecMetadata = .init(), effort: Int = 0,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws(CaecError) -> [UInt8] {
        guard qualities.contains(quality) else {
            throw CaecError(.invalidArgument, "quality \(quality) is outside \(qualities) for \(modelID)")
        }
        return try withThreads { () throws(CaecError) in
            try encodeOnCallingScope(
                image, quality: ModelQuality(index: quality), metadata: metadata, effort: effort, progress: progress)
        }
    }

    /// Compresses `image` at a model quality that need not be an integer: for a model with `continuousQualities`,
    /// any point from its lowest to its highest quality, in steps of 1/256 (`quality` is rounded to the nearest
    /// step, ties to even; the header stores the step exactly, Spec/cae-format.md §3.5). The gain vectors of the
    /// two trained qualities around it are interpolated geometrically (Cui et al. 2021). An integer `quality` gives
    /// exactly the bytes of `encode(_:quality:metadata:effort:progress:)` with that `Int`; other models accept
    /// integers only.
    ///
    /// - Parameters: as `encode(_:quality:metadata:effort:progress:)`, with `quality` in `qualities` as a real
    ///   number.
    /// - Throws: `CaecError` `.invalidArgument` for a quality outside `qualities` (after rounding), a non-integer
    ///   quality on a model without `continuousQualities`, and as `encode(_:quality:metadata:effort:progress:)`.
    public func encode(
        _ image: RGBImage, quality: Double, metadata: CaecMetadata = .init(), effort: Int = 0,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws(CaecError) -> [UInt8] {
        let point = try modelQuality(quality)
        return try withThreads { () throws(CaecError) in
            try encodeOnCallingScope(image, quality: point, metadata: metadata, effort: effort, progress: progress)
        }
    }

    /// Whether this model codes qualities between its trained ones (`encode(_:quality:...)` with a `Double`):
    /// true for the scale-hyperprior family, whose latent tables do not depend on the quality.
    public var continuousQualities: Bool { model.continuousQualities }

    /// The model quality `quality` rounds to, checked against this model.
    ///
    /// - Throws: `CaecError` `.invalidArgument` for a quality outside `qualities`, or not an integer for a model
    ///   without `continuousQualities`.
    package func modelQuality(_ quality: Double) throws(CaecError) -> ModelQuality {
        guard let point = ModelQuality(rounding: quality), ModelQuality(index: qualities.lowerBound) <= point,
            point <= ModelQuality(index: qualities.upperBound)
        else {
            throw CaecError(
                .invalidArgument, "quality \(NumberFormat.shortest(quality)) is outside \(qualities) for \(modelID)")
        }
        guard model.contains(point) else {
            throw CaecError(
                .invalidArgument,
                "quality \(NumberFormat.shortest(quality)) is not an integer; \(modelID) has integer qualities only")
        }
        return point
    }

    /// `encode(_:quality:metadata:effort:progress:)` within whatever `TensorParallelism` scope is current.
    private func encodeOnCallingScope(
        _ image: RGBImage, quality: ModelQuality, metadata: CaecMetadata, effort: Int,
        progress: (_ done: Int, _ total: Int) -> Void
    ) throws(CaecError) -> [UInt8] {
        guard (0...Self.maxEffort).contains(effort) else {
            throw CaecError(.invalidArgument, "effort \(effort) is outside 0...\(Self.maxEffort)")
        }
        let latent = try latent(image, quality: quality.index)
        guard effort > 0, supportsEffort else {
            return try file(
                latent: latent, quality: quality, width: image.width, height: image.height, metadata: metadata)
        }
        return try searchedFile(
            latent: latent, image: image, quality: quality, metadata: metadata, effort: effort, progress: progress)
    }

    /// The `.cae` file of `image`, whose latent is `latent`, with symbols searched at `effort` (1 ... `maxEffort`)
    /// by a model that `supportsEffort`.
    ///
    /// Large images are searched in tiles (`LatentTilePlan`), so the search's memory is that of a tile plus the
    /// image's own pixels and latent.
    ///
    /// - Throws: as `file(latent:quality:width:height:metadata:)`.
    package func searchedFile(
        latent: Tensor, image: RGBImage, quality: ModelQuality, metadata: CaecMetadata, effort: Int,
        progress: (_ done: Int, _ total: Int) -> Void
    ) throws(CaecError) -> [UInt8] {
        let total = Self.iterations(effort: effort)
        if let id = missingTaskClassifier(width: image.width, height: image.height) {
            throw CaecError(
                .modelNotFound,
                "the effort search of \(modelID) on a 32x32 image needs its training classifier '\(id)': load the "
                    + "codec from a folder that has \(id).caew, or call attachTaskClassifier(weights:)")
        }
        let refined = model.refinedSymbols(
            PixelConversion.paddedTensor(image, multiple: rate), width: image.width, height: image.height,
            latent: latent, quality: quality, iterations: total, progress: { progress($0, total) })
        return try file(
            symbols: refined.symbols, latent: latent, quality: quality, width: image.width, height: image.height,
            metadata: metadata, hyperLatent: refined.hyperLatent)
    }

    /// The highest `effort` of `encode`.
    public static let maxEffort = 9

    /// Search steps of each effort 0 ... 9.
    public static func iterations(effort: Int) -> Int { [0, 5, 10, 20, 30, 45, 60, 80, 110, 150][effort] }

    /// Whether this model's encoder can search (`effort` above 0 changes its files).
    public var supportsEffort: Bool { model.supportsRefinement }

    /// The training classifier of a task-aware codec (`cifar-task-vr`, `cifar-task-vr8`: `resnet9-cifar-task`),
    /// whose task term the effort search adds on 32x32 images, as the codec's training did; nil for other models.
    /// `init(modelID:searchPaths:)` attaches it from the folder the codec's weights came from when it is there;
    /// `attachTaskClassifier(weights:)` does so for a codec loaded from bytes.
    public var taskClassifierID: String? { model.taskClassifier?.id }

    /// Whether the task classifier's weights are attached (always false when `taskClassifierID` is nil).
    public var hasTaskClassifier: Bool { model.taskTerm != nil }

    /// The training classifier an effort search of a `width` x `height` image needs and this codec lacks:
    /// `taskClassifierID` for a 32x32 image when its weights are not attached, else nil.
    package func missingTaskClassifier(width: Int, height: Int) -> String? {
        guard let id = taskClassifierID, !hasTaskClassifier, SearchTaskTerm.applies(width: width, height: height)
        else { return nil }
        return id
    }

    /// Attaches the weights of `taskClassifierID` (its `.caew` file's bytes), so that `encode` with `effort` above
    /// 0 searches this task-aware codec's own loss, `bits / pixels + lambda * 255^2 * (MSE + beta * KL(softmax(f(x))
    /// || softmax(f(x^))))` with `f` that classifier, on 32x32 images (Spec/models.md, "Encoder effort").
    ///
    /// - Throws: `CaecError` `.invalidArgument` when the model has no task classifier, `.invalidModel` when `weights`
    ///   are not that classifier's weights file.
    public mutating func attachTaskClassifier(weights: [UInt8]) throws(CaecError) {
        try model.attachTaskClassifier(weights: weights)
    }

    /// The latent of `image`, padded to multiples of the rate: the one network pass of an encode. With `quality`,
    /// the latent of that quality (a model with one network per quality has one latent per quality); without it,
    /// the one latent of every quality, which such a model does not have (`sharedLatent(_:)`).
    package func latent(_ image: RGBImage, quality: Int? = nil) throws(CaecError) -> Tensor {
        guard image.width <= CAEConstants.maxSide, image.height <= CAEConstants.maxSide else {
            throw CaecError(.tooLarge, "image is \(image.width)x\(image.height), over the .cae limit of 65536 a side")
        }
        let input = PixelConversion.paddedTensor(image, multiple: rate)
        return quality.map { model.latent(input, quality: $0) } ?? model.latent(input)
    }

    /// The latent every quality shares, or nil when the model's latent depends on the quality (then each quality
    /// calls `latent(_:quality:)`).
    package func sharedLatent(_ image: RGBImage) throws(CaecError) -> Tensor? {
        model.network.latentDependsOnQuality ? nil : try latent(image)
    }

    /// `shared` if there is one, else the latent of `quality`.
    package func latent(_ image: RGBImage, quality: Int, reusing shared: Tensor?) throws(CaecError) -> Tensor {
        if let shared { return shared }
        return try latent(image, quality: quality)
    }

    /// The `.cae` file of a `width` x `height` image whose latent is `latent`, at `quality`, with `metadata`:
    /// quantise, entropy-code, and assemble the container (Spec/cae-format.md §3, §11). The one place that does.
    ///
    /// - Throws: `CaecError` `.invalidArgument` for a metadata item over `CaecMetadata.maxBlockBytes`.
    package func file(latent: Tensor, quality: Int, width: Int, height: Int, metadata: CaecMetadata = .init())
        throws(CaecError) -> [UInt8]
    {
        try file(
            latent: latent, quality: ModelQuality(index: quality), width: width, height: height, metadata: metadata)
    }

    /// `file(latent:quality:width:height:metadata:)` at any quality the model contains.
    package func file(
        latent: Tensor, quality: ModelQuality, width: Int, height: Int, metadata: CaecMetadata = .init()
    ) throws(CaecError) -> [UInt8] {
        try file(
            symbols: model.symbols(latent, quality: quality), latent: latent, quality: quality, width: width,
            height: height, metadata: metadata)
    }

    /// The `.cae` file of quantised `symbols` (channel-major) of `latent`, with the z symbols `hyperLatent` of a
    /// latent search (`RefinedSymbols`) or, when nil, those of `latent`.
    func file(
        symbols: [Int32], latent: Tensor, quality: ModelQuality, width: Int, height: Int, metadata: CaecMetadata,
        hyperLatent: Tensor? = nil
    ) throws(CaecError) -> [UInt8] {
        let blocks = metadata.blocks
        if let oversized = blocks.first(where: { $0.data.count > CaecMetadata.maxBlockBytes }) {
            throw CaecError(
                .invalidArgument, "metadata block of \(oversized.data.count) bytes is over the 64 MiB limit")
        }
        let payload = model.payload(symbols: symbols, latent: latent, quality: quality, hyperLatent: hyperLatent)
        let header = CAEHeader(
            modelCode: model.modelCode, quality: UInt8(quality.index),
            fingerprint: model.fingerprint(quality: quality), width: width, height: height,
            payloadLength: payload.count,
            colour: metadata.isGray ? CAEConstants.colourGray8 : CAEConstants.colourSRGB8,
            qualityFraction: UInt8(quality.fraction))
        return CAEWriter.file(header: header, payload: payload, blocks: blocks)
    }

    /// Decompresses a `.cae` file made with this codec's model: the pixels only (a gray file's three channels are
    /// equal).
    ///
    /// - Parameters:
    ///   - bytes: a whole `.cae` file.
    ///   - limits: the largest image accepted, checked from the header before anything is allocated.
    /// - Throws: `CaecError` `.invalidFile` (corrupt, truncated, trailing data), `.unsupportedVersion` (a newer
    ///   major version, or a critical metadata block of an unknown type), `.modelMismatch` (another model or other
    ///   weights), `.tooLarge`.
    public func decode(_ bytes: [UInt8], limits: ImageLimits = .default) throws(CaecError) -> RGBImage {
        try decodeWithMetadata(bytes, info: try Caec.peek(bytes), limits: limits).image
    }

    /// Decompresses a `.cae` file whose header `Caec.peek` has already read, without reading it again.
    ///
    /// - Parameters:
    ///   - bytes: a whole `.cae` file.
    ///   - info: what `Caec.peek(bytes)` returned for these bytes.
    ///   - limits: the largest image accepted, checked from the header before anything is allocated.
    /// - Throws: as `decode(_:limits:)`.
    public func decode(_ bytes: [UInt8], info: CaecFileInfo, limits: ImageLimits = .default) throws(CaecError)
        -> RGBImage
    {
        try decodeWithMetadata(bytes, info: info, limits: limits).image
    }

    /// Decompresses a `.cae` file made with this codec's model, with its metadata (Spec/cae-format.md §4, §11).
    ///
    /// - Throws: as `decode(_:limits:)`.
    public func decodeWithMetadata(_ bytes: [UInt8], limits: ImageLimits = .default) throws(CaecError)
        -> CaecDecodedImage
    {
        try decodeWithMetadata(bytes, info: try Caec.peek(bytes), limits: limits)
    }

    /// `decodeWithMetadata(_:limits:)` for a file whose header `Caec.peek` has already read into `info`.
    public func decodeWithMetadata(_ bytes: [UInt8], info: CaecFileInfo, limits: ImageLimits = .default)
        throws(CaecError) -> CaecDecodedImage
    {
        try withThreads { () throws(CaecError) in try decodeOnCallingScope(bytes, info: info, limits: limits) }
    }

    /// Runs `body` with `TensorParallelism.maxWorkers` set to `threads`, or in the caller's scope when it is nil.
    package func withThreads<Result>(_ body: () throws(CaecError) -> Result) throws(CaecError) -> Result {
        guard let threads else { return try body() }
        let outcome = TensorParallelism.$maxWorkers.withValue(threads) {
            Swift.Result { () throws(CaecError) -> Result in try body() }
        }
        return try outcome.get()
    }

    /// `decodeWithMetadata(_:info:limits:)` within whatever `TensorParallelism` scope is current.
    private func decodeOnCallingScope(_ bytes: [UInt8], info: CaecFileInfo, limits: ImageLimits)
        throws(CaecError) -> CaecDecodedImage
    {
        let header = info.header
        let (payload, blocks) = try Caec.body(bytes, info: info, limits: limits)
        guard header.modelCode == model.modelCode else {
            throw CaecError(
                .modelMismatch,
                "file was made by model \(header.modelID ?? "code \(header.modelCode)"), not \(modelID)")
        }
        let quality = ModelQuality(index: Int(header.quality), fraction: Int(header.qualityFraction))
        guard model.contains(quality) else {
            throw CaecError(
                .modelMismatch,
                "file uses quality \(quality), which \(modelID) does not have"
                    + (quality.isInteger || model.continuousQualities ? "" : " (its qualities are integers)"))
        }
        let expected = model.fingerprint(quality: quality)
        guard header.fingerprint == expected else {
            throw CaecError(
                .modelMismatch,
                "fingerprint mismatch: the file was made by other \(modelID) weights (file \(hex16(header.fingerprint)), "
                    + "these weights \(hex16(expected)))")
        }
        let paddedHeight = (header.height + rate - 1) / rate * rate
        let paddedWidth = (header.width + rate - 1) / rate * rate
        let symbols = try model.symbols(
            payload: payload, height: paddedHeight / rate, width: paddedWidth / rate, quality: quality)
        let output = model.reconstruction(
            symbols: symbols, height: paddedHeight / rate, width: paddedWidth / rate, quality: quality)
        let metadata = CaecMetadata(blocks: blocks, colour: header.colour)
        var image = PixelConversion.image(output, width: header.width, height: header.height)
        if metadata.isGray { image = PixelConversion.gray(image) }
        return CaecDecodedImage(image: image, metadata: metadata)
    }
}

private func hex16(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
}
