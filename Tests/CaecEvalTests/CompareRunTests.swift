import CaecCore
import Dispatch
import Testing

@testable import CaecEval

/// `CompareRun` driven in-process: sharding, chunked evaluation, resume from what a previous run left, errors.
@Suite struct CompareRunTests {
    static let images = (0..<5).map { TestImages.gradient(width: 24, height: 20, seed: $0) }

    static func load(_ index: Int) -> Result<CompareItem, CompareRunner.Failure> {
        .success(CompareItem(index: index, name: "img\(index).png", image: images[index], label: nil))
    }

    static func run(shard: (index: Int, count: Int)) -> CompareRun {
        CompareRun(
            plan: ComparePlan(methods: [.jpeg(qualities: [30, 80])], classifier: nil), inputs: "files:5",
            imageCount: images.count, shard: shard, jobs: 2)
    }

    /// Collects the lines `imageDone` hands out (called under the runner's lock).
    final class Lines: @unchecked Sendable {
        private let lock = DispatchSemaphore(value: 1)
        private(set) var lines: [String] = []
        func add(_ new: [String]) {
            lock.wait()
            lines += new
            lock.signal()
        }
    }

    @Test func shardRunsEveryNthImageAndResumesAfterAnInterrupt() throws {
        let run = Self.run(shard: (2, 2))
        #expect(run.runText == "methods=jpeg:30/80 classifier=none inputs=files:5\nshard=2/2\n")
        #expect(run.pending(done: []) == [1, 3])
        let collected = Lines()
        try run.evaluate(run.pending(done: []), load: Self.load, imageDone: collected.add)
        let rows = try CompareResults.merge([
            try CompareResults.parse(CompareResults.csv([]) + collected.lines.joined(separator: "\n") + "\n")
        ])
        #expect(rows.map(\.index) == [1, 1, 3, 3])

        // An interrupt after image 1 and half of image 3: image 3's row is dropped, and only it is left to do.
        let image1 = rows.filter { $0.index == 1 }
        let partial = CompareResults.csv(image1) + rows[2].csvLine + "\n"
        let resume = try run.resume(runText: run.runText, results: partial)
        #expect(resume.done == [1])
        #expect(resume.results == CompareResults.csv(image1))
        #expect(run.pending(done: resume.done) == [3])
        // Complete results are kept as they are.
        #expect(
            try run.resume(runText: run.runText, results: CompareResults.csv(rows)).results == CompareResults.csv(rows))
    }

    @Test func errorsSayWhatIsWrong() throws {
        let run = Self.run(shard: (1, 1))
        #expect(throws: CompareRunError.otherSettings) {
            _ = try run.resume(runText: Self.run(shard: (1, 2)).runText, results: CompareResults.csv([]))
        }
        #expect {
            _ = try run.resume(runText: run.runText, results: "not,a,results,file\n1,2\n")
        } throws: { error in
            if case .badResults = error as? CompareRunError { true } else { false }
        }
        #expect(throws: CompareRunError.badImage(name: "img2.png", reason: "unreadable")) {
            try run.evaluate(
                [0, 1, 2, 3],
                load: { index in
                    index == 2
                        ? .failure(CompareRunner.Failure(index: 2, name: "img2.png", reason: "unreadable"))
                        : Self.load(index)
                }, imageDone: { _ in })
        }
    }
}
