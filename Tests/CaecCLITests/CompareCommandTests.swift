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

    static func contents(_ directory: TemporaryDirectory, _ out: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in reportFiles {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: directory.path(out + "/" + name)))
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
        // Merging a shard twice is refused.
        let twice = try CaecProcess.run(
            ["compare", "merge", "--out", directory.path("bad"), directory.path("shard1"), directory.path("shard1")])
        #expect(twice.status == 65 && twice.stderr.contains("more than one shard"))
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
