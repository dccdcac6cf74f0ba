/// One run of `caec compare run` over a shard of a source of images, resumable, without files: the caller stores
/// `runText` and the results CSV, hands back what a previous run left, and appends each image's lines as they come.
///
/// Images `shard.index - 1`, `shard.index - 1 + shard.count`, ... are this run's; they are evaluated in chunks of
/// `chunkImagesPerJob * jobs`, so that a failure or an interrupt stops the run after at most one chunk.
package struct CompareRun: Sendable {
    /// What a previous run in the same place left: the rows of its complete images and their indices.
    package struct Resume: Sendable, Equatable {
        package var rows: [CompareRow]
        package var done: Set<Int>
        /// The results CSV without the rows of incomplete images (equal to what was given when none were dropped).
        package var results: String
    }

    /// Images per worker in one chunk.
    package static let chunkImagesPerJob = 32

    package let plan: ComparePlan
    /// The settings line (`plan.settings` and the inputs) that a resumed or merged run must match.
    package let settings: String
    package let imageCount: Int
    /// Shard `index` (1-based) of `count`.
    package let shard: (index: Int, count: Int)
    package let jobs: Int

    /// - Parameters:
    ///   - inputs: a description of the source (kind and image count) that is part of `settings`.
    ///   - shard: `(k, n)` with 1 <= k <= n (checked: a caller's validation).
    package init(plan: ComparePlan, inputs: String, imageCount: Int, shard: (index: Int, count: Int), jobs: Int) {
        precondition(shard.count >= 1 && (1...shard.count).contains(shard.index), "shard must be k/n, 1 <= k <= n")
        precondition(jobs >= 1, "jobs must be at least 1")
        self.plan = plan
        self.settings = plan.settings + " inputs=\(inputs)"
        self.imageCount = imageCount
        self.shard = shard
        self.jobs = jobs
    }

    /// The text of the run's settings file: `settings`, then the shard.
    package var runText: String { settings + "\nshard=\(shard.index)/\(shard.count)\n" }

    /// What to keep of a previous run with settings file `runText` and results CSV `results`.
    ///
    /// - Throws: `CompareRunError.otherSettings` when the settings differ, `.badResults` when the CSV is not one
    ///   this plan writes.
    package func resume(runText previous: String, results: String) throws(CompareRunError) -> Resume {
        guard previous == runText else { throw .otherSettings }
        do throws(CompareDataError) {
            let (rows, done) = try CompareResults.completeImages(
                try CompareResults.parse(results), keys: plan.keys, settings: settings)
            let clean = CompareResults.csv(rows)
            return Resume(rows: rows, done: done, results: clean == results ? results : clean)
        } catch {
            throw .badResults(error.description)
        }
    }

    /// This shard's image indices that are not in `done`, in order.
    package func pending(done: Set<Int>) -> [Int] {
        stride(from: shard.index - 1, to: imageCount, by: shard.count).filter { !done.contains($0) }
    }

    /// Evaluates `indices` chunk by chunk. `imageDone` gets each finished image's CSV lines (empty when it failed),
    /// never from two threads at a time; after each chunk `shouldStop` may end the run (for instance when storing
    /// lines failed).
    ///
    /// - Throws: `CompareRunError.badImage` for the lowest failing index of the first chunk with a failure.
    package func evaluate(
        _ indices: [Int], load: @Sendable (Int) -> Result<CompareItem, CompareRunner.Failure>,
        imageDone: @escaping @Sendable ([String]) -> Void, shouldStop: () -> Bool = { false }
    ) throws(CompareRunError) {
        let chunkSize = Self.chunkImagesPerJob * jobs
        for start in stride(from: 0, to: indices.count, by: chunkSize) {
            let chunk = Array(indices[start..<min(indices.count, start + chunkSize)])
            do throws(CompareRunner.Failure) {
                _ = try CompareRunner.evaluate(chunk, plan: plan, jobs: jobs, imageDone: imageDone, load: load)
            } catch {
                throw .badImage(name: error.name, reason: error.reason)
            }
            if shouldStop() { return }
        }
    }
}

/// Why a comparison run stopped.
package enum CompareRunError: Error, Equatable, CustomStringConvertible {
    /// The previous run in the same place was made with other settings.
    case otherSettings
    /// The previous results cannot be read as this plan's.
    case badResults(String)
    /// An image could not be read or coded.
    case badImage(name: String, reason: String)

    package var description: String {
        switch self {
        case .otherSettings: "the results there were made with other settings; use --restart or another --out"
        case .badResults(let reason): reason
        case .badImage(_, let reason): reason
        }
    }
}
