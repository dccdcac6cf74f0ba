import CaecModel
import CaecTensor

extension CaecCodec {
    /// Compresses `image` at the highest quality whose file fits in `targetBytes` bytes.
    ///
    /// The encoder network runs once. For a model with `continuousQualities` the quality is then found by
    /// bisection on its continuous scale, in steps of 1/256 of a trained quality: the highest quality is tried,
    /// then the lowest, then the middle of the interval whose lower end fits and whose upper end does not, until
    /// the two are one step apart (at most 13 files for 8 qualities); the largest file that fits is returned. As
    /// a file grows by about 0.2% per step, it lands within 1% of the budget whenever the budget lies between
    /// the sizes of the lowest and the highest quality. For the other models the qualities are tried from the
    /// highest down, each entropy-coded in full, and the first file that fits is returned. Either way the file is
    /// never over the budget. With `effort` (and a model that supports it), searched files are tried: for integer
    /// qualities, those of the quality one above the chosen one and of the chosen one, in that order; on the
    /// continuous scale, that of the chosen quality, then, if the search made it smaller than the plain file, that
    /// of the highest quality whose plain file shrunk by the same ratio would fit. The searched file of the highest
    /// quality that fits is returned instead of the plain one; if none fits, the plain file is.
    ///
    /// - Parameters:
    ///   - image: the pixels, any size up to 65536 a side.
    ///   - targetBytes: the largest acceptable file, in bytes (header and metadata included), at least 1.
    ///   - metadata: the ICC profile, EXIF, XMP and gray flag to store (they count against the budget).
    ///   - effort: 0 ... `CaecCodec.maxEffort`, as for `encode(_:quality:metadata:effort:progress:)`.
    ///   - progress: with effort, called after each search step with (steps done, steps in all); it may go
    ///     through two searches.
    /// - Returns: the `.cae` file and the model quality chosen (an integer unless `continuousQualities`).
    /// - Throws: `CaecError` `.invalidArgument` when `targetBytes` is below 1 or even the lowest quality does not fit
    ///   (the message gives the smallest size), and as `encode(_:quality:metadata:effort:progress:)` otherwise.
    public func encode(
        _ image: RGBImage, targetBytes: Int, metadata: CaecMetadata = .init(), effort: Int = 0,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws(CaecError) -> (file: [UInt8], quality: Double) {
        guard targetBytes >= 1 else {
            throw CaecError(.invalidArgument, "target size \(targetBytes) bytes is below 1 byte")
        }
        return try fitting(image, budget: targetBytes, metadata: metadata, effort: effort, progress: progress)
    }

    /// Compresses `image` at the highest quality whose file has at most `targetBitsPerPixel` bits per pixel: the
    /// budget is `floor(targetBitsPerPixel x width x height / 8)` bytes, then as `encode(_:targetBytes:...)`.
    ///
    /// - Parameters:
    ///   - image: the pixels, any size up to 65536 a side.
    ///   - targetBitsPerPixel: bits of the whole file per pixel of the image, above 0.
    ///   - metadata: the ICC profile, EXIF, XMP and gray flag to store (they count against the budget).
    ///   - effort: 0 ... `CaecCodec.maxEffort`, as for `encode(_:quality:metadata:effort:progress:)`.
    ///   - progress: with effort, called after each search step with (steps done, steps in all).
    /// - Returns: the `.cae` file and the model quality chosen (an integer unless `continuousQualities`).
    /// - Throws: `CaecError` `.invalidArgument` when `targetBitsPerPixel` is not a positive finite number or no
    ///   quality fits, and as `encode(_:quality:metadata:effort:progress:)` otherwise.
    public func encode(
        _ image: RGBImage, targetBitsPerPixel: Double, metadata: CaecMetadata = .init(), effort: Int = 0,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws(CaecError) -> (file: [UInt8], quality: Double) {
        guard targetBitsPerPixel > 0, targetBitsPerPixel.isFinite else {
            throw CaecError(.invalidArgument, "target \(targetBitsPerPixel) bits per pixel is not a positive number")
        }
        let bytes = (targetBitsPerPixel * Double(image.pixelCount) / 8).rounded(.down)
        let budget = bytes >= Double(Int.max) ? Int.max : Int(bytes)
        return try fitting(image, budget: budget, metadata: metadata, effort: effort, progress: progress)
    }

    private func fitting(
        _ image: RGBImage, budget: Int, metadata: CaecMetadata, effort: Int,
        progress: (_ done: Int, _ total: Int) -> Void
    ) throws(CaecError) -> (file: [UInt8], quality: Double) {
        guard (0...Self.maxEffort).contains(effort) else {
            throw CaecError(.invalidArgument, "effort \(effort) is outside 0...\(Self.maxEffort)")
        }
        return try withThreads { () throws(CaecError) in
            let shared = try sharedLatent(image)
            if continuousQualities, let shared {
                return try bisecting(
                    latent: shared, image: image, budget: budget, metadata: metadata, effort: effort,
                    progress: progress)
            }
            var plain: (file: [UInt8], quality: Int)?
            var smallest = 0
            for quality in qualities.reversed() {
                let latent = try latent(image, quality: quality, reusing: shared)
                let candidate = try file(
                    latent: latent, quality: quality, width: image.width, height: image.height, metadata: metadata)
                if candidate.count <= budget {
                    plain = (candidate, quality)
                    break
                }
                smallest = candidate.count
            }
            guard let plain else {
                throw CaecError(
                    .invalidArgument,
                    "no quality of \(modelID) fits in \(budget) bytes (the smallest file is \(smallest) bytes)")
            }
            guard effort > 0 && supportsEffort else { return (plain.file, Double(plain.quality)) }
            for quality in [plain.quality + 1, plain.quality] where qualities.contains(quality) {
                let refined = try encode(
                    image, quality: quality, metadata: metadata, effort: effort, progress: progress)
                if refined.count <= budget { return (refined, Double(quality)) }
            }
            return (plain.file, Double(plain.quality))
        }
    }

    /// The bisection of `encode(_:targetBytes:...)` on the continuous scale of a model with `continuousQualities`,
    /// then, with `effort`, the searched files described there.
    private func bisecting(
        latent: Tensor, image: RGBImage, budget: Int, metadata: CaecMetadata, effort: Int,
        progress: (_ done: Int, _ total: Int) -> Void
    ) throws(CaecError) -> (file: [UInt8], quality: Double) {
        func attempt(_ units: Int) throws(CaecError) -> [UInt8] {
            try file(
                latent: latent, quality: ModelQuality(units: units), width: image.width, height: image.height,
                metadata: metadata)
        }
        let top = qualities.upperBound * ModelQuality.steps
        let highest = try attempt(top)
        var plain = (file: highest, units: top)
        if highest.count > budget {
            let lower = qualities.lowerBound * ModelQuality.steps
            let lowest = try attempt(lower)
            guard lowest.count <= budget else {
                throw CaecError(
                    .invalidArgument,
                    "no quality of \(modelID) fits in \(budget) bytes (the smallest file is \(lowest.count) bytes)")
            }
            plain = try largestFitting(from: (lowest, lower), below: top, limit: budget, attempt)
        }
        guard effort > 0 && supportsEffort else { return (plain.file, ModelQuality(units: plain.units).value) }
        func searched(_ units: Int) throws(CaecError) -> [UInt8] {
            try searchedFile(
                latent: latent, image: image, quality: ModelQuality(units: units), metadata: metadata, effort: effort,
                progress: progress)
        }
        let first = try searched(plain.units)
        // A search that shrinks the file shrinks its neighbours' about as much: aim the second one at the highest
        // quality whose plain file, shrunk by the same ratio, would fit.
        if first.count < plain.file.count && plain.units < top {
            let limit = Int(Double(budget) * Double(plain.file.count) / Double(first.count))
            let aim =
                highest.count <= limit
                ? (file: highest, units: top) : try largestFitting(from: plain, below: top, limit: limit, attempt)
            if aim.units > plain.units {
                let second = try searched(aim.units)
                if second.count <= budget { return (second, ModelQuality(units: aim.units).value) }
            }
        }
        if first.count <= budget { return (first, ModelQuality(units: plain.units).value) }
        return (plain.file, ModelQuality(units: plain.units).value)
    }

    /// Bisection between `lower`, whose file fits in `limit` bytes, and `upper` (in 1/256 steps), whose file does
    /// not, until they are one step apart; the rate need not grow monotonically, so the largest file that fits is
    /// kept.
    private func largestFitting(
        from lower: (file: [UInt8], units: Int), below upper: Int, limit: Int,
        _ attempt: (Int) throws(CaecError) -> [UInt8]
    ) throws(CaecError) -> (file: [UInt8], units: Int) {
        var best = lower
        var (low, high) = (lower.units, upper)
        while high - low > 1 {
            let middle = (low + high) / 2
            let candidate = try attempt(middle)
            if candidate.count <= limit {
                low = middle
                if candidate.count >= best.file.count { best = (candidate, middle) }
            } else {
                high = middle
            }
        }
        return best
    }
}
