import CaecTestSupport
import Foundation
import Testing

/// `caec compare` end to end on a tiny synthetic CIFAR-10 test batch, JPEG and WebP only (no models needed).
@Suite struct CompareCommandTests {
    static let reportFiles = ["results.csv", "summary.json", "report.md", "rate-psnr.svg", "rate-ssim.svg"]

    /// A `test_batch.bin` of `count` smooth random-ish images with labels 0...9.
    static func makeCIFAR(in directory: TemporaryDirectory, count: Int) throws -> String {
        var bytes: [UInt8] = []
        for i in 0..<count {
            bytes.append(UInt8(i % 10))
            for c in 0..<3 {
                for y in 0..<32 {
                    for x in 0..<32 { bytes.append(UInt8((x * (3 + i) + y * (5 + c) + i * 31 + (x * y) % 7) % 256)) }
                }
            }
        }
        let folder = directory.path("cifar")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/test_batch.bin"))
        try FileManager.default.createDirectory(atPath: directory.path("models"), withIntermediateDirectories: true)
        return folder
    }

    static func arguments(_ directory: TemporaryDirectory, out: String) -> [String] {
        [
            "compare", "--cifar-test", directory.path("cifar"), "--out", directory.path(out), "--models",
            directory.path("models"), "--only", "jpeg,webp", "--jpeg-qualities", "10,60,90", "--webp-qualities",
            "20,80", "--quiet",
        ]
    }

    /// The report files of run `out`, with report.md's `- date:` line (the minute the report was written, which
    /// differs between runs made a minute apart) left out.
    static func contents(_ directory: TemporaryDirectory, _ out: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in reportFiles {
            var data = try Data(contentsOf: URL(fileURLWithPath: directory.path(out + "/" + name)))
            if name == "report.md" {
                let lines = String(decoding: data, as: UTF8.self).split(
                    separator: "\n", omittingEmptySubsequences: false)
                data = Data(lines.filter { !$0.hasPrefix("- date: ") }.joined(separator: "\n").utf8)
            }
            files[name] = data
        }
        return files
    }

    @Test func merged_shards_equal_one_run() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try Self.makeCIFAR(in: directory, count: 7)
        let whole = try CaecProcess.run(Self.arguments(directory, out: "whole"))
        #expect(whole.status == 0, "\(whole.stderr)")
        for k in 1...3 {
            let shard = try CaecProcess.run(Self.arguments(directory, out: "shard\(k)") + ["--shard", "\(k)/3"])
            #expect(shard.status == 0, "\(shard.stderr)")
        }
        let merged = try CaecProcess.run(
            ["compare", "merge", "--out", directory.path("merged")] + (1...3).map { directory.path("shard\($0)") })
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try Self.contents(directory, "merged") == Self.contents(directory, "whole"))
        let csv = String(decoding: try Self.contents(directory, "whole")["results.csv"]!, as: UTF8.self)
        #expect(csv.split(separator: "\n").count == 1 + 7 * 5)
        // Refused, each with its status and words: a shard twice; two runs holding one image; an output that is one
        // of the runs; a folder without run.txt; a missing folder.
        let refusals: [(out: String, runs: [String], status: Int32, words: String)] = [
            ("bad", ["shard1", "shard1"], 64, "given twice"), ("bad", ["shard1", "whole"], 65, "more than one run"),
            ("shard2", ["shard1", "shard2"], 73, "is one of the runs"),
            ("bad", ["shard1", "models"], 65, "not a caec compare run folder"),
            ("bad", ["shard1", "nowhere"], 66, "no such folder"),
        ]
        for refusal in refusals {
            let result = try CaecProcess.run(
                ["compare", "merge", "--out", directory.path(refusal.out)] + refusal.runs.map(directory.path))
            #expect(result.status == refusal.status && result.stderr.contains(refusal.words), "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("bad")))
    }

    /// `--effort` with a task-aware codec whose training classifier is not in the models folder: refused before any
    /// image is run (78, naming the file), with no output folder.
    @Test func effortWithoutTheTaskClassifierIsRefusedAtOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try Self.makeCIFAR(in: directory, count: 2)
        try FileManager.default.copyItem(
            atPath: Golden.url("Models/cifar-task-vr.caew").path, toPath: directory.path("models/cifar-task-vr.caew"))
        let result = try CaecProcess.run(
            [
                "compare", "run", "--cifar-test", directory.path("cifar"), "--out", directory.path("out"), "--models",
                directory.path("models"), "--only", "cifar-task-vr", "--model-qualities", "3", "--effort", "1",
                "--no-classifier",
            ])
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("resnet9-cifar-task.caew: not found: --effort with cifar-task-vr"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))
    }

    @Test func merged_runs_of_other_methods_equal_one_run() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try Self.makeCIFAR(in: directory, count: 4)
        #expect(try CaecProcess.run(Self.arguments(directory, out: "whole")).status == 0)
        func only(_ method: String, out: String, _ extra: [String] = []) throws -> CaecProcess.Result {
            try CaecProcess.run(Self.arguments(directory, out: out).map { $0 == "jpeg,webp" ? method : $0 } + extra)
        }
        #expect(try only("jpeg", out: "jpeg").status == 0)
        #expect(try only("webp", out: "webp").status == 0)
        let merged = try CaecProcess.run(
            ["compare", "merge", "--out", directory.path("merged"), directory.path("jpeg"), directory.path("webp")])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try Self.contents(directory, "merged") == Self.contents(directory, "whole"))
        // WebP on fewer images (another --limit): refused as other settings, naming both.
        #expect(try only("webp", out: "webp2", ["--limit", "2"]).status == 0)
        let short = try CaecProcess.run(
            ["compare", "merge", "--out", directory.path("bad"), directory.path("jpeg"), directory.path("webp2")])
        #expect(
            short.status == 65 && short.stderr.contains("other settings than")
                && short.stderr.contains("inputs=cifar-test:2 here, classifier=none inputs=cifar-test:4 in "),
            "\(short.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("bad")))
    }

    @Test func resumed_run_equals_uninterrupted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try Self.makeCIFAR(in: directory, count: 5)
        #expect(try CaecProcess.run(Self.arguments(directory, out: "full")).status == 0)
        #expect(try CaecProcess.run(Self.arguments(directory, out: "cut")).status == 0)
        // Interrupt: keep the first image and a half of the second image's rows, cut mid-line.
        let path = directory.path("cut/results.csv")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        let cut = lines.prefix(1 + 5 + 2).joined(separator: "\n") + "\n" + lines[8].prefix(9)
        try Data(cut.utf8).write(to: URL(fileURLWithPath: path))
        for name in Self.reportFiles where name != "results.csv" {
            try? FileManager.default.removeItem(atPath: directory.path("cut/" + name))
        }
        let resumed = try CaecProcess.run(Self.arguments(directory, out: "cut"))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Self.contents(directory, "cut") == Self.contents(directory, "full"))
        // Other settings into the same folder are refused; --restart starts over.
        let other = try CaecProcess.run(Self.arguments(directory, out: "cut") + ["--limit", "2"])
        #expect(other.status == 64 && other.stderr.contains("other settings"))
        let restart = try CaecProcess.run(Self.arguments(directory, out: "cut") + ["--limit", "2", "--restart"])
        #expect(restart.status == 0)
    }
}

/// `caec experiment ratio` on a compare run of a tiny synthetic CIFAR-10 batch judged by the shipped lenet5.
@Suite struct RatioExperimentCommandTests {
    @Test func figure_from_a_classified_compare_run() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Of these ten images lenet5 gets at least one original right, so the ratio is defined.
        _ = try CompareCommandTests.makeCIFAR(in: directory, count: 10)
        try FileManager.default.copyItem(
            atPath: Golden.url("Models/lenet5.caew").path, toPath: directory.path("models/lenet5.caew"))
        let compare = try CaecProcess.run(
            CompareCommandTests.arguments(directory, out: "run") + ["--classifier", "lenet5"])
        #expect(compare.status == 0, "\(compare.stderr)")
        let ratio = try CaecProcess.run(["experiment", "ratio", directory.path("run")])
        #expect(ratio.status == 0, "\(ratio.stderr)")
        let svg = try String(contentsOfFile: directory.path("run/fig4-ratio-bpp.svg"), encoding: .utf8)
        #expect(
            svg.contains("Performance ratio against rate; judge lenet5, ") && svg.contains("% on 10 originals")
                && svg.contains("jpeg-scan"))
        let csv = try String(contentsOfFile: directory.path("run/fig4-ratio-bpp.csv"), encoding: .utf8)
        // jpeg 3 qualities, jpeg-scan 3, webp 2.
        #expect(csv.split(separator: "\n").count == 1 + 8)
        let markdown = try String(contentsOfFile: directory.path("run/fig4-ratio-bpp.md"), encoding: .utf8)
        #expect(markdown.contains("Judge: `lenet5`") && markdown.contains("| webp | 2 |"))
        // A committed report keeps summary.json but not results.csv: the figure comes from the summary.
        try FileManager.default.removeItem(atPath: directory.path("run/results.csv"))
        let fromSummary = try CaecProcess.run([
            "experiment", "ratio", directory.path("run"), "--out", directory.path("s"),
        ])
        #expect(fromSummary.status == 0, "\(fromSummary.stderr)")
        let summaryCSV = try String(contentsOfFile: directory.path("s/fig4-ratio-bpp.csv"), encoding: .utf8)
        #expect(summaryCSV.split(separator: "\n").count == 1 + 8)
        #expect(
            try String(contentsOfFile: directory.path("s/fig4-ratio-bpp.md"), encoding: .utf8).contains(
                "run/summary.json"))
        let agreement = try CaecProcess.run([
            "experiment", "ratio", directory.path("run"), "--measure", "agreement", "--out", directory.path("agree"),
        ])
        #expect(agreement.status == 0, "\(agreement.stderr)")
        #expect(
            try String(contentsOfFile: directory.path("agree/fig4-ratio-bpp.svg"), encoding: .utf8).contains(
                "Agreement with the original's class"))
    }

    @Test func unusable_runs_fail_with_one_line() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try CompareCommandTests.makeCIFAR(in: directory, count: 2)
        let plain = try CaecProcess.run(CompareCommandTests.arguments(directory, out: "plain") + ["--no-classifier"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let unjudged = try CaecProcess.run(["experiment", "ratio", directory.path("plain")])
        #expect(unjudged.status == 65 && unjudged.stderr.contains("run.txt: the run used no classifier"))
        let missing = try CaecProcess.run(["experiment", "ratio", directory.path("nowhere")])
        #expect(missing.status == 66)
        #expect(
            missing.stderr
                == "caec: error: \(directory.path("nowhere")): no such folder (give a `caec compare` run's --out)\n")
        try FileManager.default.createDirectory(atPath: directory.path("empty"), withIntermediateDirectories: true)
        let empty = try CaecProcess.run(["experiment", "ratio", directory.path("empty")])
        #expect(empty.status == 66)
        #expect(empty.stderr.hasPrefix("caec: error: \(directory.path("empty")): not a `caec compare` run"))
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: directory.path("empty/results.csv")))
        let noSettings = try CaecProcess.run(["experiment", "ratio", directory.path("empty")])
        #expect(noSettings.status == 66)
        #expect(
            noSettings.stderr
                == "caec: error: \(directory.path("empty")): has results.csv but not run.txt, which names the run's judge\n"
        )
        let file = try CaecProcess.run(["experiment", "ratio", directory.path("empty/results.csv")])
        #expect(file.status == 66 && file.stderr.contains("results.csv: not a folder"))
        let usage = try CaecProcess.run(["experiment", "ratio", directory.path("plain"), "--measure", "psnr"])
        #expect(usage.status == 64)
    }

    /// `caec experiment seed` draws Fig. 3 from the training logs after a long evaluation: a models folder without
    /// them (an install before they were installed) is refused at once, naming the missing log, with no figures.
    @Test func seedExperimentRefusesAtOnceWithoutTrainingLogs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path("models"), withIntermediateDirectories: true)
        let result = try CaecProcess.run([
            "experiment", "seed", "--models", directory.path("models"), "--data", directory.path(""),
            "--out", directory.path("out"), "--images", "10",
        ])
        #expect(result.status == 66)
        #expect(
            result.stderr.hasPrefix(
                "caec: error: \(directory.path("models"))/logs/cae-r2.loss.csv: training log missing (Fig. 3"),
            "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("out/fig4-ratio.svg")))
    }
}
