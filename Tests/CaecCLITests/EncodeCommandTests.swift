import Foundation
import Testing

/// `caec encode` / `decode` / `info` end to end on the shipped models.
@Suite struct EncodeCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized
    static let horse = root.appendingPathComponent("Samples/images/cifar-test-0001-horse.png").path
    static let odd = root.appendingPathComponent("Samples/images/odd-97x61.png").path
    static let models = root.appendingPathComponent("Models").path

    static func size(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    }

    @Test func encodeDecodeInfoRoundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cae = directory.path("horse.cae")
        let encode = try CaecProcess.run(
            ["encode", Self.horse, cae, "--model", "cae-r8", "--model-quality", "3", "-v", "--models", Self.models])
        #expect(encode.status == 0, "\(encode.stderr)")
        #expect(encode.stderr.contains("32x32, cae-r8 quality 3, \(try Self.size(cae)) bytes"))
        #expect(encode.stderr.contains("PSNR"))
        let info = try CaecProcess.run(["info", cae, "--json"])
        #expect(info.status == 0)
        #expect(info.stdoutText.contains("\"model\": \"cae-r8\"") && info.stdoutText.contains("\"quality\": 3"))
        let png = directory.path("horse.png")
        let decode = try CaecProcess.run(["decode", cae, png, "--models", Self.models])
        #expect(decode.status == 0, "\(decode.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: png)).starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    /// A quality the user typed is echoed as typed: `9`, not `9.0`, in both halves of the message; a fractional
    /// one as its shortest decimal.
    @Test(arguments: [
        ("9", "caec: error: --model-quality 9: quality 9 is outside 1...8 for bmshj-f-vr\n"),
        ("9.5", "caec: error: --model-quality 9.5: quality 9.5 is outside 1...8 for bmshj-hp-vr\n"),
        (
            "3.5",
            "caec: error: --model-quality 3.5: quality 3.5 is not an integer; cae-r8 has integer qualities only\n"
        ),
    ])
    func modelQualityIsEchoedAsTyped(quality: String, message: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var arguments = ["encode", Self.horse, directory.path("out.cae"), "--model-quality", quality]
        if quality == "3.5" { arguments += ["--model", "cae-r8"] }
        let result = try CaecProcess.run(arguments + ["--models", Self.models])
        #expect(result.status == 64)
        #expect(result.stderr == message)
    }

    /// --target-size picks the highest quality that fits: never over the budget, and the same file as that quality.
    @Test func targetSizeNeverExceedsTheBudget() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var sizes: [Int] = []
        for quality in 1...8 {
            let path = directory.path("q\(quality).cae")
            let result = try CaecProcess.run(
                [
                    "encode", Self.horse, path, "--model", "cae-r4", "--model-quality", "\(quality)", "--models",
                    Self.models,
                ])
            #expect(result.status == 0)
            sizes.append(try Self.size(path))
        }
        for budget in [sizes[0], (sizes[2] + sizes[3]) / 2, sizes[5] + 1, sizes[7] * 2] {
            let path = directory.path("budget-\(budget).cae")
            let result = try CaecProcess.run(
                [
                    "encode", Self.horse, path, "--model", "cae-r4", "--target-size", "\(budget)", "--models",
                    Self.models,
                ])
            #expect(result.status == 0, "\(result.stderr)")
            let size = try Self.size(path)
            #expect(size <= budget)
            #expect(size == sizes.filter { $0 <= budget }.max())
        }
        let tooSmall = try CaecProcess.run(
            [
                "encode", Self.horse, directory.path("none.cae"), "--model", "cae-r4", "--target-size", "10",
                "--models", Self.models,
            ])
        #expect(tooSmall.status == 65)
        #expect(tooSmall.stderr.contains("no quality of cae-r4 fits in 10 bytes"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("none.cae")))
    }

    /// With a model of integer qualities (`bmshj-f-vr`), a budget 4% above a quality's size lands within 5% of the
    /// budget (the ladder allows it there), and never over it; the chosen file is that quality's.
    @Test func targetSizeLandsWithinFivePercentWhereTheLadderAllows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let image = Self.root.appendingPathComponent("Samples/images/odd-97x61.png").path
        var sizes: [Int] = []
        for quality in 1...8 {
            let path = directory.path("q\(quality).cae")
            let result = try CaecProcess.run(
                [
                    "encode", image, path, "--model", "bmshj-f-vr", "--model-quality", "\(quality)", "--models",
                    Self.models,
                ])
            #expect(result.status == 0, "\(result.stderr)")
            sizes.append(try Self.size(path))
        }
        for size in sizes {
            let budget = size * 104 / 100
            let path = directory.path("budget-\(budget).cae")
            let result = try CaecProcess.run(
                ["encode", image, path, "--target-size", "\(budget)", "--model", "bmshj-f-vr", "--models", Self.models])
            #expect(result.status == 0, "\(result.stderr)")
            let written = try Self.size(path)
            #expect(written <= budget && Double(written) >= 0.95 * Double(budget), "\(written) for \(budget)")
            #expect(written == sizes.filter { $0 <= budget }.max())
        }
    }

    /// With the default model (`bmshj-hp-vr`, a continuous scale), --target-size and --target-bpp land within 1% of
    /// the budget and never over it (issue #17), on a 256x256 photo crop.
    @Test func targetSizeWithTheDefaultModelLandsWithinOnePercent() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let image = Self.root.appendingPathComponent("Samples/images/kodim23-crop256.png").path
        for budget in [1500, 3000, 5000, 8000] {
            let path = directory.path("budget-\(budget).cae")
            let result = try CaecProcess.run(
                ["encode", image, path, "--target-size", "\(budget)", "--models", Self.models])
            #expect(result.status == 0, "\(result.stderr)")
            let written = try Self.size(path)
            #expect(written <= budget && Double(written) >= 0.99 * Double(budget), "\(written) bytes for \(budget)")
        }
        let path = directory.path("bpp.cae")
        let result = try CaecProcess.run(["encode", image, path, "--target-bpp", "0.5", "--models", Self.models])
        #expect(result.status == 0, "\(result.stderr)")
        let budget = 256 * 256 / 16
        let written = try Self.size(path)
        #expect(written <= budget && Double(written) >= 0.99 * Double(budget), "\(written) bytes for \(budget)")
    }

    @Test func missingWeightsAreAModelError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try CaecProcess.run(
            ["encode", Self.horse, directory.path("x.cae"), "--model", "cae-r4", "--models", directory.path("none")])
        #expect(result.status == 78)
        #expect(result.stderr.contains("weights for model 'cae-r4' not found"))
    }

    @Test func decodingACorruptFileIsABadInputError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cae = directory.path("horse.cae")
        _ = try CaecProcess.run(["encode", Self.horse, cae, "--model", "cae-r8", "--models", Self.models])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: cae))
        bytes[bytes.count - 6] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: cae))
        let result = try CaecProcess.run(["decode", cae, directory.path("out.png"), "--models", Self.models])
        #expect(result.status == 65)
        #expect(result.stderr.contains("payload CRC mismatch"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("out.png")))
    }
}

/// `caec encode --effort`: out of range is a usage error; a search writes a file the plain decoder reads.
@Suite struct EffortCommandTests {
    @Test func effortOutOfRangeIsAUsageError() throws {
        let result = try CaecProcess.run(["encode", EncodeCommandTests.horse, "/tmp/never.cae", "--effort", "10"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--effort must be in 0...9"))
    }

    @Test func searchedFileDecodes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (cae, png) = (directory.path("a.cae"), directory.path("a.png"))
        let encode = try CaecProcess.run(
            [
                "encode", EncodeCommandTests.horse, cae, "--effort", "1", "--model-quality", "3", "--models",
                EncodeCommandTests.models,
            ])
        #expect(encode.status == 0, "\(encode.stderr)")
        let decode = try CaecProcess.run(["decode", cae, png, "--models", EncodeCommandTests.models])
        #expect(decode.status == 0, "\(decode.stderr)")
    }

    /// A task-aware codec searches with its training classifier, which must be in the models folder (78 naming it,
    /// no output, when it is not); at effort 0 it is not needed.
    @Test func taskCodecSearchNeedsItsTrainingClassifier() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path("models"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: EncodeCommandTests.models + "/cifar-task-vr8.caew",
            toPath: directory.path("models/cifar-task-vr8.caew"))
        let arguments = ["encode", EncodeCommandTests.horse, directory.path("a.cae"), "--model", "cifar-task-vr8"]
        let missing = try CaecProcess.run(arguments + ["--effort", "1", "--models", directory.path("models")])
        #expect(missing.status == 78, "\(missing.stderr)")
        #expect(missing.stderr.contains("resnet9-cifar-task.caew: not found: --effort with cifar-task-vr8"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("a.cae")))
        let plain = try CaecProcess.run(arguments + ["--models", directory.path("models")])
        #expect(plain.status == 0, "\(plain.stderr)")
        // Other sizes are searched without the task term, so without the classifier.
        let odd = try CaecProcess.run(
            [
                "encode", EncodeCommandTests.odd, directory.path("odd.cae"), "--model", "cifar-task-vr8", "--effort",
                "1",
                "--models", directory.path("models"),
            ])
        #expect(odd.status == 0, "\(odd.stderr)")
        let searched = try CaecProcess.run(
            arguments + ["--effort", "1", "--force", "--models", EncodeCommandTests.models])
        #expect(searched.status == 0, "\(searched.stderr)")
    }
}

/// `caec decode IN -` writes PNG to standard output when no --format is given.
@Suite struct DecodeToStdoutTests {
    @Test func standardOutputDefaultsToPNG() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cae = directory.path("a.cae")
        let encode = try CaecProcess.run(
            ["encode", EncodeCommandTests.horse, cae, "--models", EncodeCommandTests.models])
        #expect(encode.status == 0)
        let decode = try CaecProcess.run(["decode", cae, "-", "--models", EncodeCommandTests.models])
        #expect(decode.status == 0, "\(decode.stderr)")
        #expect(decode.stdout.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }
}
