import ArgumentParser
import Caec
import CaecCore
import CaecEval
import CaecImageIO
import CaecModel

/// `caec compare`: caec models against JPEG, WebP, AVIF and JPEG XL on the same images, with reports.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract:
            "Measure caec models, JPEG, WebP, AVIF and JPEG XL on the same images (rate, PSNR, SSIM, agreement).",
        subcommands: [CompareRunCommand.self, CompareMergeCommand.self],
        defaultSubcommand: CompareRunCommand.self
    )
}

/// The files a comparison folder holds.
enum CompareFiles {
    static let results = "results.csv"
    static let settings = "run.txt"
    static let summary = "summary.json"
    static let report = "report.md"
}

struct CompareRunCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Compare codecs on PNG/JPEG files, folders (searched recursively) or the CIFAR-10 test set.",
        discussion: """
            Every caec model in the models folder is run at each of its qualities, JPEG (4:2:0, optimised Huffman), \
            WebP (lossy, method 6), AVIF (libavif + aom, speed 6, 4:2:0) and JPEG XL (libjxl, effort 7) at each \
            quality of their ladders. Per image and operating point: bytes, bpp \
            (JPEG also scan-only), MSE, PSNR, SSIM, MS-SSIM (smaller side >= 176), and for 32x32 images the \
            classifier's top-1 agreement with the original and its accuracy when labels are known. Results go to \
            <out>/results.csv, summary.json, report.md and rate-*.svg. An interrupted run resumes from results.csv \
            (run with --restart to start over); --shard K/N runs every N-th image, and `caec compare merge` joins \
            shards and runs of other methods.
            """
    )

    @Argument(help: ArgumentHelp("PNG/JPEG files or folders.", valueName: "input"))
    var inputs: [String] = []

    @Option(
        help: ArgumentHelp("Use the CIFAR-10 test set in this folder (test_batch.bin), with labels.", valueName: "dir"))
    var cifarTest: String?

    @Option(help: "Use only the first N images.")
    var limit: Int?

    @Option(help: "Output folder.")
    var out: String

    @OptionGroup var modelsOption: ModelsOption

    @Option(help: "Only these methods, comma-separated (model ids, jpeg, webp, avif, jxl); default all.")
    var only: String?

    @Option(help: "JPEG qualities, comma-separated.")
    var jpegQualities: String = JPEGBaseline.defaultQualities.map(String.init).joined(separator: ",")

    @Option(help: "WebP qualities, comma-separated.")
    var webpQualities: String = JPEGBaseline.defaultQualities.map(String.init).joined(separator: ",")

    @Option(
        help:
            "AVIF qualities (0-100, avifenc 1.x's --quality scale mapped onto libavif 0.11's quantizer; speed 6, 4:2:0), comma-separated."
    )
    var avifQualities: String = AVIFCodec.defaultQualities.map(String.init).joined(separator: ",")

    @Option(help: "JPEG XL qualities (0-99, cjxl's --quality; effort 7), comma-separated.")
    var jxlQualities: String = JXLCodec.defaultQualities.map(String.init).joined(separator: ",")

    @Option(
        help: ArgumentHelp(
            "Encoder efforts (1-9), comma-separated: each adds a series <model>@e<effort> for the models that search.",
            discussion: "Slow: effort 9 runs 150 search steps per image and quality (caec encode --effort)."))
    var effort: String = ""

    @Option(
        help: ArgumentHelp(
            "Qualities of the caec models, comma-separated (default: each model's all).",
            discussion: "Each model runs the listed qualities it has; one it does not have is an error."))
    var modelQualities: String = ""

    @Option(help: "Classifier id; its weights are <models>/<id>.caew (skipped with a note when absent).")
    var classifier: String = "lenet5"

    @Flag(help: "Do not classify.")
    var noClassifier = false

    @Option(help: ArgumentHelp("Run shard K of N (images K-1, K-1+N, ...).", valueName: "K/N"))
    var shard: String = "1/1"

    @Option(help: "Worker threads (default: the number of processors).")
    var jobs: Int?

    @Flag(help: "Discard results already in the output folder.")
    var restart = false

    @Flag(help: "No progress on standard error.")
    var quiet = false

    @OptionGroup(title: "Input options")
    var inputOptions: ImageInputOptions

    func validate() throws {
        guard (cifarTest != nil) != !inputs.isEmpty else {
            throw ValidationError("give input files or folders, or --cifar-test DIR (not both)")
        }
        guard parsedShard != nil else { throw ValidationError("--shard must be K/N with 1 <= K <= N") }
        guard Self.qualities(jpegQualities, 1...100) != nil else {
            throw ValidationError("--jpeg-qualities must be comma-separated numbers in 1...100")
        }
        guard Self.qualities(webpQualities, 0...100) != nil else {
            throw ValidationError("--webp-qualities must be comma-separated numbers in 0...100")
        }
        guard Self.qualities(avifQualities, 0...100) != nil, Self.qualities(jxlQualities, 0...99) != nil else {
            throw ValidationError("--avif-qualities must be in 0...100 and --jxl-qualities in 0...99, comma-separated")
        }
        guard Self.qualities(effort, 1...CaecCodec.maxEffort) != nil else {
            throw ValidationError("--effort must be comma-separated numbers in 1...\(CaecCodec.maxEffort)")
        }
        guard let modelLadder = Self.qualities(modelQualities, 1...255), modelLadder == modelLadder.sorted(),
            Set(modelLadder).count == modelLadder.count
        else {
            throw ValidationError("--model-qualities must be increasing comma-separated numbers (1, 2, ...)")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be positive") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be positive") }
        if !noClassifier && ModelRegistry.classifier(classifier) == nil {
            throw ValidationError("unknown classifier '\(classifier)' (known: \(ModelRegistry.classifierIDs))")
        }
    }

    var parsedShard: (index: Int, count: Int)? {
        let parts = shard.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else {
            return nil
        }
        return (k, n)
    }

    static func qualities(_ text: String, _ range: ClosedRange<Int>) -> [Int]? {
        if text.isEmpty { return [] }
        let values = text.split(separator: ",").map { Int($0.trimmingPrefix(" ")) }
        guard values.allSatisfy({ $0.map(range.contains) ?? false }) else { return nil }
        return values.map { $0! }
    }

    func execute() throws(CLIFailure) {
        let plan = try makePlan(only: only.map { Set($0.split(separator: ",").map(String.init)) })
        let source = try CompareSource(inputs: inputs, cifarTest: cifarTest, limit: limit, options: inputOptions)
        let run = CompareRun(
            plan: plan, inputs: "\(source.kind):\(source.count)", imageCount: source.count, shard: parsedShard!,
            jobs: jobs ?? POSIX.processorCount)
        try RunDirectory.create(out)
        let csvPath = out + "/" + CompareFiles.results
        let done = try resumeOrStart(run, csvPath: csvPath)
        let todo = run.pending(done: done)
        let progress = CompareProgress(quiet: quiet, total: todo.count)
        if !done.isEmpty { progress.finish("resuming: \(done.count) images already done") }
        // Each image's rows are appended as soon as it is done, so an interrupt loses only the images in flight.
        let recorder = RowRecorder(path: csvPath, progress: progress)
        do throws(CompareRunError) {
            try run.evaluate(todo, load: { source.item($0) }, imageDone: recorder.record) { recorder.failure != nil }
        } catch {
            if case .badImage(let name, _) = error { throw CLIFailure(.badInput, path: name, error.description) }
            throw CLIFailure(.internalError, path: out, error.description)
        }
        if let failure = recorder.failure { throw failure }
        if todo.count > 0 {
            progress.finish("compare: \(todo.count) images in \(formatDuration(Clock.seconds() - progress.start))")
        }
        // Rows arrive in completion order; the finished CSV lists them by image index.
        var rows = try readRows(csvPath)
        do { rows = try CompareResults.merge([rows]) } catch {
            throw CLIFailure(.badInput, path: csvPath, error.description)
        }
        try writeText(CompareResults.csv(rows), csvPath)
        let grid = run.shard.count == 1 ? try writeGrid(plan: plan, source: source) : false
        try writeReports(rows: rows, settings: run.settings, classifier: plan.classifier?.id, out: out, grid: grid)
    }

    /// The images a previous run in `out` completed (its results cleaned of incomplete images), or a fresh start:
    /// none, with the settings file and the CSV header written.
    func resumeOrStart(_ run: CompareRun, csvPath: String) throws(CLIFailure) -> Set<Int> {
        let runPath = out + "/" + CompareFiles.settings
        guard !restart && FileSystem.exists(csvPath) else {
            try writeText(run.runText, runPath)
            try writeText(CompareRow.csvHeader + "\n", csvPath)
            return []
        }
        let previous = String(decoding: try FileInput.read(runPath), as: UTF8.self)
        let text = String(decoding: try FileInput.read(csvPath), as: UTF8.self)
        let resume: CompareRun.Resume
        do throws(CompareRunError) { resume = try run.resume(runText: previous, results: text) } catch {
            if case .otherSettings = error { throw CLIFailure(.usage, path: runPath, error.description) }
            throw CLIFailure(.badInput, path: csvPath, error.description)
        }
        if resume.results != text { try writeText(resume.results, csvPath) }
        return resume.done
    }

    /// grid.png: the first four images as original | JPEG | WebP | AVIF | JPEG XL | caec at matched file size, each
    /// tile labelled with codec, bytes and PSNR, with the last caec
    /// model of the plan (the rate-distortion one when present) at its middle quality.
    /// Returns whether it wrote one.
    func writeGrid(plan: ComparePlan, source: CompareSource) throws(CLIFailure) -> Bool {
        let codecs = plan.methods.compactMap { method -> CaecCodec? in
            if case .caec(let codec, 0, _) = method { return codec }
            return nil
        }
        guard let codec = codecs.last(where: { $0.modelID.hasPrefix("bmshj") }) ?? codecs.last else { return false }
        let images = (0..<min(4, source.count)).compactMap { try? source.item($0).get().image }
        guard !images.isEmpty else { return false }
        let quality = (codec.qualities.lowerBound + codec.qualities.upperBound) / 2
        do {
            let grid = try MatchedGrid.grid(images: images, codec: codec, quality: quality)
            let scale = images[0].width <= 64 ? 4 : 1
            try SafeOutput(path: out + "/grid.png", force: true).write(
                try ImageGrid.png(grid.rows, labels: grid.labels, scale: scale, gap: 4), inputs: [])
            try writeText(
                "grid.png, row by row (columns: \(MatchedGrid.Grid.columns.joined(separator: ", ")) at matched file "
                    + "size):\n" + grid.captions.map { "- " + $0 }.joined(separator: "\n") + "\n", out + "/grid.txt")
            return true
        } catch let error as CLIFailure {
            throw error
        } catch {
            throw CLIFailure(.internalError, path: out + "/grid.png", "\(error)")
        }
    }

    func makePlan(only: Set<String>?) throws(CLIFailure) -> ComparePlan {
        let directory = modelsOption.directory
        var methods: [CompareMethod] = []
        var codecs: [CaecCodec] = []
        for name in (POSIX.listDirectory(directory) ?? []).sorted() where name.hasSuffix(".caew") {
            let path = directory + "/" + name
            let bytes = try FileInput.read(path)
            guard let file = try? WeightsFile(parsing: bytes) else {
                throw CLIFailure(.model, path: path, "not a valid weights file")
            }
            guard
                ModelRegistry.autoencoderIDs.contains(file.modelID)
                    || ModelRegistry.rateDistortionIDs.contains(file.modelID)
                    || ModelRegistry.hyperpriorIDs.contains(file.modelID),
                only.map({ $0.contains(file.modelID) }) ?? true
            else { continue }
            do {
                var codec = try CaecCodec(weights: bytes)
                try codec.attachTaskClassifier(from: directory)
                codecs.append(codec)
            } catch {
                printError("caec: note: \(path): skipped: \(error.description)")
            }
        }
        codecs.sort { ($0.rate, $0.modelID) < ($1.rate, $1.modelID) }
        let ladder = Self.qualities(modelQualities, 1...255)!
        for codec in codecs where !ladder.allSatisfy(codec.qualities.contains) {
            throw CLIFailure(
                .usage, path: nil,
                "--model-qualities \(modelQualities): \(codec.modelID) has qualities "
                    + "\(codec.qualities.lowerBound)-\(codec.qualities.upperBound) (choose models with --only)")
        }
        let qualities = ladder.isEmpty ? nil : ladder
        methods += codecs.map { .caec($0, qualities: qualities) }
        let efforts = Self.qualities(effort, 1...CaecCodec.maxEffort)!
        if !efforts.isEmpty { KeepFreedMemory.apply() }
        for codec in codecs where !efforts.isEmpty && !codec.hasTaskClassifier {
            if let classifier = codec.taskClassifierID {
                throw CLIFailure(
                    .model, path: directory + "/" + classifier + ".caew",
                    "not found: --effort with \(codec.modelID) searches 32x32 images with its training classifier "
                        + "'\(classifier)'; put it in the models folder, or leave \(codec.modelID) out with --only")
            }
        }
        for level in efforts {
            methods += codecs.filter(\.supportsEffort).map { .caec($0, effort: level, qualities: qualities) }
        }
        methods += CompareMethod.baselines(
            only: only,
            qualities: [
                "jpeg": Self.qualities(jpegQualities, 1...100)!, "webp": Self.qualities(webpQualities, 0...100)!,
                "avif": Self.qualities(avifQualities, 0...100)!, "jxl": Self.qualities(jxlQualities, 0...99)!,
            ])
        guard !methods.isEmpty else { throw CLIFailure(.usage, path: nil, "nothing to compare (check --only)") }
        var imageClassifier: ImageClassifier?
        if !noClassifier {
            let path = directory + "/" + classifier + ".caew"
            if FileSystem.exists(path) {
                let weights = try FileInput.read(path)
                do {
                    imageClassifier = try ImageClassifier(id: classifier, weights: weights)
                } catch { throw CLIFailure(.model, path: path, error.description) }
            } else {
                printError("caec: note: \(path): no classifier weights; classification skipped")
            }
        }
        return ComparePlan(methods: methods, classifier: imageClassifier)
    }
}

struct CompareMergeCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the output folders of `caec compare run` runs on the same inputs into one set of reports.",
        discussion: """
            The runs may split the images (--shard K/N), the methods (--only), or both, e.g. the baselines once and \
            a retrained model later. They must share the inputs and classifier; every image of the result must \
            have every method that any run has.
            """
    )

    @Argument(help: ArgumentHelp("Output folders of the runs.", valueName: "run-dir"))
    var runs: [String]

    @Option(help: "Output folder for the merged results.")
    var out: String

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("give the runs' output folders") }
    }

    func execute() throws(CLIFailure) {
        var lines: [String] = []
        var settings = ""
        var all: [[CompareRow]] = []
        var seen: [String: String] = [:]
        for run in runs {
            guard POSIX.isDirectory(run) else {
                let exists = POSIX.exists(run)
                throw CLIFailure(
                    exists ? .badInput : .missingInput, path: run, exists ? "not a folder" : "no such folder")
            }
            let canonical = POSIX.identity(run) ?? run
            if let first = seen[canonical] {
                throw CLIFailure(.usage, path: run, "the same run folder as \(first), given twice")
            }
            seen[canonical] = run
            if canonical == POSIX.identity(out) {
                throw CLIFailure(.cannotCreateOutput, path: out, "is one of the runs to merge; give another --out")
            }
            let runPath = run + "/" + CompareFiles.settings
            guard POSIX.exists(runPath) else {
                throw CLIFailure(.badInput, path: run, "not a caec compare run folder (no \(CompareFiles.settings))")
            }
            let text = String(decoding: try FileInput.read(runPath), as: UTF8.self)
            lines.append(String(text.split(separator: "\n").first ?? ""))
            do { settings = try ComparePlan.mergedSettings(lines) } catch {
                let detail: String
                if case .settingsMismatch(let expected, let found) = error {
                    detail = "\(found.trimmingPrefix(" ")) here, \(expected.trimmingPrefix(" ")) in \(runs[0])"
                } else {
                    detail = error.description
                }
                throw CLIFailure(.badInput, path: runPath, "made with other settings than \(runs[0]): \(detail)")
            }
            all.append(try readRows(run + "/" + CompareFiles.results))
        }
        let rows: [CompareRow]
        do { rows = try CompareResults.merge(all) } catch { throw CLIFailure(.badInput, path: out, error.description) }
        try RunDirectory.create(out)
        try writeText(settings + "\nshard=merged\n", out + "/" + CompareFiles.settings)
        try writeText(CompareResults.csv(rows), out + "/" + CompareFiles.results)
        let classifier = settings.split(separator: " ").first { $0.hasPrefix("classifier=") }
            .map { String($0.dropFirst("classifier=".count)) }
        try writeReports(rows: rows, settings: settings, classifier: classifier == "none" ? nil : classifier, out: out)
    }
}

/// Per-image progress with an ETA on standard error; `CompareRunner` calls `imageDone` from one thread at a time.
/// Appends each finished image's CSV lines to the results file (called under `CompareRunner`'s lock, one image at a
/// time) and counts it in the progress line.
private final class RowRecorder: @unchecked Sendable {
    let path: String
    let progress: CompareProgress
    private(set) var failure: CLIFailure?

    init(path: String, progress: CompareProgress) {
        self.path = path
        self.progress = progress
    }

    func record(_ lines: [String]) {
        if failure == nil && !lines.isEmpty {
            do throws(CLIFailure) { try POSIX.appendDurably(lines.map { $0 + "\n" }.joined(), to: path) } catch {
                failure = error
            }
        }
        progress.imageDone()
    }
}

private final class CompareProgress: @unchecked Sendable {
    let total: Int
    let start = Clock.seconds()
    private var finished = 0
    private var line: ProgressLine

    init(quiet: Bool, total: Int) {
        self.total = total
        line = ProgressLine(quiet: quiet)
    }

    func imageDone() {
        finished += 1
        let elapsed = Clock.seconds() - start
        let eta = elapsed / Double(finished) * Double(total - finished)
        line.update(
            "compare: \(finished)/\(total) images, \(NumberFormat.fixed(Double(finished) / elapsed, 2)) images/s, "
                + "elapsed \(formatDuration(elapsed)), ETA \(formatDuration(eta))")
    }

    func finish(_ text: String) { line.finish(text) }
}

private func writeText(_ text: String, _ path: String) throws(CLIFailure) {
    try SafeOutput(path: path, force: true).write(Array(text.utf8), inputs: [])
}

private func readRows(_ path: String) throws(CLIFailure) -> [CompareRow] {
    let text = String(decoding: try FileInput.read(path), as: UTF8.self)
    do { return try CompareResults.parse(text) } catch { throw CLIFailure(.badInput, path: path, error.description) }
}

private func writeReports(
    rows: [CompareRow], settings: String, classifier: String?, out: String, grid: Bool = false
) throws(CLIFailure) {
    let summary = CompareSummary(rows: rows)
    try writeText(summary.json(settings: settings), out + "/" + CompareFiles.summary)
    let environment = ReportEnvironment.current(tool: "caec \(CaecVersion.string)")
    try writeText(
        summary.markdown(settings: settings, classifier: classifier, grid: grid, environment: environment),
        out + "/" + CompareFiles.report)
    for plot in summary.plots() { try writeText(plot.svg, out + "/" + plot.name) }
}
