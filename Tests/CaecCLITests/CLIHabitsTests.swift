import Foundation
import Testing

/// The habits of cwebp, cjxl and avifenc: -q 0...100, -o, several inputs, --quiet, decode -v, --threads, and usage
/// errors as one line.
@Suite struct CLIHabitsTests {
    static let horse = EncodeCommandTests.horse
    static let odd = EncodeCommandTests.root.appendingPathComponent("Samples/images/odd-97x61.png").path
    static let models = EncodeCommandTests.models
    static let parrot = EncodeCommandTests.root.appendingPathComponent("Samples/images/kodim23-crop256.png").path

    static func encode(_ arguments: [String]) throws -> CaecProcess.Result {
        try CaecProcess.run(["encode"] + arguments + ["--models", models])
    }

    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// -q is on the 0...100 scale: for a model with integer qualities (`bmshj-f-vr`), 0, 50 (the default) and 100
    /// are its lowest, middle and highest qualities, byte-identical to --model-quality 1, 5 and 8.
    @Test func qualityScaleMapsOntoTheModelsQualities() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let factorized = ["--model", "bmshj-f-vr"]
        for (percent, quality) in [("0", 1), ("50", 5), ("64", 5), ("65", 6), ("100", 8)] {
            let scaled = directory.path("q\(percent).cae")
            let result = try Self.encode([Self.horse, scaled, "-q", percent] + factorized)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("bmshj-f-vr quality \(quality),"), "\(result.stderr)")
            let indexed = directory.path("m\(percent).cae")
            #expect(try Self.encode([Self.horse, indexed, "--model-quality", "\(quality)"] + factorized).status == 0)
            #expect(try Self.bytes(scaled) == Self.bytes(indexed))
        }
        let plain = directory.path("default.cae")
        #expect(try Self.encode([Self.horse, plain] + factorized).status == 0)
        #expect(try Self.bytes(plain) == Self.bytes(directory.path("q50.cae")))
        // A value that was a model quality before 0.2 gets a one-line reminder of the new scale.
        let old = try Self.encode([Self.horse, directory.path("old.cae"), "--quality", "3"] + factorized)
        #expect(old.status == 0)
        #expect(old.stderr.contains("caec: warning: --quality 3 is on the 0-100 scale (bmshj-f-vr quality 1)"))
        for bad in [["-q", "101"], ["-q", "-1"], ["-q", "50", "--model-quality", "2"], ["--model-quality", "9"]] {
            let result = try Self.encode([Self.horse, directory.path("bad.cae")] + bad)
            #expect(result.status == 64, "\(bad)")
            #expect(result.stderr.hasPrefix("caec: error: ") && result.stderr.split(separator: "\n").count == 1)
        }
    }

    /// The default model (`bmshj-hp-vr`) has a continuous scale: -q maps without rounding (50 -> 4.5, 64 -> 5.48),
    /// every step is its own operating point, and integer points are byte-identical to --model-quality.
    @Test func defaultModelMapsTheScaleContinuously() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var previous = 0
        for (percent, quality) in [("0", "1"), ("50", "4.5"), ("64", "5.48"), ("65", "5.55"), ("100", "8")] {
            let scaled = directory.path("q\(percent).cae")
            let result = try Self.encode([Self.parrot, scaled, "-q", percent, "-v"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("bmshj-hp-vr quality \(quality),"), "\(result.stderr)")
            let size = try Self.bytes(scaled).count
            #expect(size >= previous, "-q \(percent): \(size) bytes after \(previous)")
            previous = size
        }
        let plain = directory.path("default.cae")
        #expect(try Self.encode([Self.parrot, plain]).status == 0)
        #expect(try Self.bytes(plain) == Self.bytes(directory.path("q50.cae")))
        let indexed = directory.path("m8.cae")
        #expect(try Self.encode([Self.parrot, indexed, "--model-quality", "8"]).status == 0)
        #expect(try Self.bytes(indexed) == Self.bytes(directory.path("q100.cae")))
    }

    /// Without --model, images under 96x96 pixels go to bmshj-f-vr (smaller files there), larger ones to
    /// bmshj-hp-vr, and a fractional --model-quality keeps bmshj-hp-vr; --model always wins.
    @Test func defaultModelDependsOnTheImageSize() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let out = directory.path("out.cae")
        let cases: [([String], String)] = [
            ([Self.horse], "32x32, bmshj-f-vr quality 5,"),
            ([Self.odd], "97x61, bmshj-f-vr quality 5,"),
            ([Self.parrot], "256x256, bmshj-hp-vr quality 4.5,"),
            ([Self.horse, "--model-quality", "4.5"], "32x32, bmshj-hp-vr quality 4.5,"),
            ([Self.horse, "--model-quality", "3"], "32x32, bmshj-f-vr quality 3,"),
            ([Self.horse, "--model", "bmshj-hp-vr"], "32x32, bmshj-hp-vr quality 4.5,"),
        ]
        for (arguments, summary) in cases {
            let result = try Self.encode(arguments + [out, "--force"])
            #expect(result.status == 0 && result.stderr.contains(summary), "\(arguments): \(result.stderr)")
        }
    }

    /// A FIFO or character device output is written in place, never replaced by a regular file (with --force, a
    /// rename would have put a file where the FIFO was; without it, /dev/null was refused as an existing output).
    @Test func fifoAndCharacterDeviceOutputsAreWrittenInPlace() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.path("pipe.cae")
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader opened first (non-blocking), so the encoder's open for writing does not wait; the file is far
        // smaller than the pipe's buffer.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let result = try Self.encode([Self.horse, fifo, "--force"])
        #expect(result.status == 0, "\(result.stderr)")
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(reader, &buffer, buffer.count)
        let file = directory.path("file.cae")
        #expect(try Self.encode([Self.horse, file]).status == 0)
        let written = try Self.bytes(file)
        #expect(count > 0 && Array(buffer[0..<max(count, 0)]) == written, "\(count) bytes")
        var info = stat()
        #expect(stat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "the FIFO was replaced")

        let null = try Self.encode([Self.horse, "/dev/null"])
        #expect(null.status == 0, "\(null.stderr)")
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }

    /// An output named like an image still gets a .cae file, with a warning (`caec encode a.png b.png` is more
    /// likely a slip than a wish); --quiet silences it.
    @Test func anImageNamedOutputIsWarnedAbout() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let named = directory.path("horse.PNG")
        let result = try Self.encode([Self.horse, named])
        #expect(result.status == 0 && result.stderr.contains("writing a .cae file to a name ending in .png"))
        #expect(try Self.bytes(named).count > 0)
        let quiet = try Self.encode([Self.horse, directory.path("q.jpg"), "--quiet"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    /// The problem to fix comes first: a missing input before an existing output; an existing folder or the input
    /// itself as decode's output before the format its name does not give.
    @Test func errorsNameTheProblemToFixFirst() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (cae, existing) = (directory.path("h.cae"), directory.path("exists.cae"))
        #expect(try Self.encode([Self.horse, cae]).status == 0)
        try Data([1]).write(to: URL(fileURLWithPath: existing))
        let missing = directory.path("missing.png")
        let encode = try Self.encode([missing, existing])
        #expect(encode.status == 66 && encode.stderr == "caec: error: \(missing): no such file\n", "\(encode.stderr)")
        try FileManager.default.createDirectory(atPath: directory.path("odir"), withIntermediateDirectories: true)
        let folder = try CaecProcess.run(["decode", cae, directory.path("odir"), "--models", Self.models])
        #expect(folder.status == 73 && folder.stderr.contains("odir: is a directory"), "\(folder.stderr)")
        let itself = try CaecProcess.run(["decode", cae, cae, "--force", "--models", Self.models])
        #expect(itself.status == 73 && itself.stderr.contains("output is the same file as the input"))
        let unnamed = try CaecProcess.run(["decode", cae, directory.path("out.bin"), "--models", Self.models])
        #expect(unnamed.status == 64)
        #expect(
            unnamed.stderr == "caec: error: \(directory.path("out.bin")): cannot tell the output format from the "
                + "name: use --format png or --format jpeg\n")
    }

    /// `caec decode --format jpeg x.png` writes a JPEG and says the name does not fit; --quiet silences it.
    @Test func decodeFormatAgainstTheExtensionWarns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cae = directory.path("h.cae")
        #expect(try Self.encode([Self.horse, cae]).status == 0)
        let named = directory.path("h.PNG")
        let result = try CaecProcess.run(["decode", cae, named, "--format", "jpeg", "--models", Self.models])
        #expect(result.status == 0)
        #expect(result.stderr == "caec: warning: \(named): writing a JPEG file to a name ending in .png\n")
        #expect(try Self.bytes(named).starts(with: [0xFF, 0xD8, 0xFF]))
        let quiet = try CaecProcess.run(
            ["decode", cae, directory.path("q.jpg"), "--format", "png", "--quiet", "--models", Self.models])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    /// Several inputs with -o DIR: outputs named after the inputs, one line per file, a bad file reported and the
    /// others still done, and the exit status is the first failure's.
    @Test func severalInputsGoToAFolderAndOneFailureDoesNotStopTheOthers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let out = directory.path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let bad = directory.path("broken.png")
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: bad))
        let missing = directory.path("missing.png")
        let result = try Self.encode([Self.odd, bad, missing, Self.horse, "-o", out, "--model", "cae-r4"])
        #expect(result.status == 65, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(lines)")
        #expect(lines[0].hasPrefix("\(out)/odd-97x61.cae: 97x61, cae-r4 quality "))
        #expect(lines[1].hasPrefix("caec: error: \(bad): "))
        #expect(lines[2].hasPrefix("caec: error: \(missing): "))
        #expect(lines[3].hasPrefix("\(out)/cifar-test-0001-horse.cae: 32x32, cae-r4 quality "))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out).sorted() == [
                "cifar-test-0001-horse.cae", "odd-97x61.cae",
            ])
        // decode -o DIR: PNGs named after the .cae files, a summary line each with -v.
        let pngs = directory.path("pngs")
        try FileManager.default.createDirectory(atPath: pngs, withIntermediateDirectories: false)
        let decode = try CaecProcess.run(
            [
                "decode", out + "/odd-97x61.cae", out + "/cifar-test-0001-horse.cae", "-o", pngs + "/", "-v",
                "--models", Self.models,
            ])
        #expect(decode.status == 0, "\(decode.stderr)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: pngs).sorted() == [
                "cifar-test-0001-horse.png", "odd-97x61.png",
            ])
        #expect(decode.stderr.split(separator: "\n").count == 2)
        // Missing input first: its status (66) is the exit status, though a later file is bad data.
        let order = try Self.encode([missing, bad, "-o", out + "/", "--force"])
        #expect(order.status == 66, "\(order.stderr)")
    }

    @Test func outputsTheFolderCannotHoldAreUsageErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let jpeg = directory.path("odd-97x61.jpg")
        try FileManager.default.copyItem(atPath: Self.odd, toPath: jpeg)
        let clash = try Self.encode([Self.odd, jpeg, "-o", directory.path("")])
        #expect(clash.status == 64)
        #expect(clash.stderr.contains("would both be written to"))
        // Two files and -o a new name: both are inputs, and the error says so.
        let twoAndO = try Self.encode([Self.odd, directory.path("q15.cae"), "-o", directory.path("q16.cae")])
        #expect(twoAndO.status == 73)
        #expect(
            twoAndO.stderr.contains("output folder does not exist (with -o, every other file is an input: 2 inputs"))
        // Refused the same way with a folder to create: the folder is not left behind.
        let clashNew = try Self.encode([Self.odd, jpeg, "-o", directory.path("clash") + "/"])
        #expect(clashNew.status == 64)
        #expect(!FileManager.default.fileExists(atPath: directory.path("clash")))
        // A name ending in / is created when its parent exists; a missing parent is an output error.
        let created = try Self.encode([Self.odd, "-o", directory.path("made") + "/"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path("made/odd-97x61.cae")))
        let noParent = directory.path("nowhere/deeper") + "/"
        let noFolder = try Self.encode([Self.odd, "-o", noParent])
        #expect(noFolder.status == 73)
        #expect(noFolder.stderr.hasPrefix("caec: error: \(noParent): cannot create the output folder: "))
        let three = try Self.encode([Self.odd, Self.horse, directory.path("x.cae")])
        #expect(three.status == 64)
        #expect(try directory.contents().sorted() == ["made", "odd-97x61.jpg"])
        // Several inputs and -o an existing file: the file is not a folder (it is not missing), and stays as it was.
        let file = directory.path("odd-97x61.jpg")
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let onFile = try Self.encode([Self.odd, Self.horse, "-o", file])
        #expect(onFile.status == 73)
        #expect(
            onFile.stderr == "caec: error: \(file): is a file, not a folder: several inputs need an output folder\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
        // A classifier is a model caec knows, but not one that codes images.
        let classifier = try Self.encode([Self.odd, directory.path("c.cae"), "--model", "lenet5"])
        #expect(classifier.status == 64)
        #expect(classifier.stderr.contains("'lenet5' is a classifier, not a codec; codec models: "))
    }

    /// -o FILE is the positional output; --quiet prints nothing; decode -v prints size, model, bytes, bpp, time.
    @Test func dashOQuietAndDecodeVerbose() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let positional = directory.path("a.cae")
        let named = directory.path("b.cae")
        #expect(try Self.encode([Self.horse, positional, "--model", "cae-r8", "--model-quality", "3"]).status == 0)
        let quiet = try Self.encode([Self.horse, "-o", named, "--model", "cae-r8", "--model-quality", "3", "--quiet"])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty)
        #expect(try Self.bytes(positional) == Self.bytes(named))
        let png = directory.path("a.png")
        let silent = try CaecProcess.run(["decode", positional, png, "--models", Self.models])
        #expect(silent.status == 0 && silent.stderr.isEmpty)
        let size = try Self.bytes(positional).count
        let verbose = try CaecProcess.run([
            "decode", positional, "-o", directory.path("v.png"), "-v", "--models", Self.models,
        ])
        #expect(verbose.status == 0)
        let bpp = String(format: "%.3f", Double(size * 8) / 1024)
        let prefix = "\(directory.path("v.png")): 32x32, cae-r8 quality 3, \(size) bytes, \(bpp) bpp, "
        #expect(verbose.stderr.hasPrefix(prefix), "\(verbose.stderr)")
        #expect(verbose.stderr.hasSuffix(" s\n"))
        #expect(try Self.bytes(png) == Self.bytes(directory.path("v.png")))
        let both = try CaecProcess.run(["decode", positional, directory.path("w.png"), "-v", "--quiet"])
        #expect(both.status == 64)
    }

    /// --threads changes nothing in the output; 0 is a usage error.
    @Test func threadsDoNotChangeTheBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(try Self.encode([Self.odd, directory.path("one.cae"), "--threads", "1"]).status == 0)
        #expect(try Self.encode([Self.odd, directory.path("all.cae")]).status == 0)
        #expect(try Self.bytes(directory.path("one.cae")) == Self.bytes(directory.path("all.cae")))
        let decodeOne = try CaecProcess.run(
            ["decode", directory.path("one.cae"), directory.path("one.png"), "--threads", "1", "--models", Self.models])
        #expect(decodeOne.status == 0)
        #expect(
            try CaecProcess.run([
                "decode", directory.path("all.cae"), directory.path("all.png"), "--models", Self.models,
            ])
            .status == 0)
        #expect(try Self.bytes(directory.path("one.png")) == Self.bytes(directory.path("all.png")))
        let zero = try Self.encode([Self.odd, directory.path("zero.cae"), "--threads", "0"])
        #expect(zero.status == 64)
        #expect(zero.stderr == "caec: error: --threads must be at least 1 (see 'caec encode --help')\n")
    }

    /// argument-parser's errors come out as one `caec: error:` line with status 64, not its "Error:" block.
    @Test(arguments: [
        (["encode", "--frob", "a.png", "b.cae"], "caec: error: unknown option '--frob'"),
        (["decode", "x.cae", "y.png", "--jpeg-quality", "0"], "caec: error: --jpeg-quality must be in 1...100"),
        (["encode", "-q", "fifty", "a.png", "b.cae"], "caec: error: "),
        (["info"], "caec: error: missing expected argument"),
    ])
    func usageErrorsAreOneLine(arguments: [String], prefix: String) throws {
        let result = try CaecProcess.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix(prefix), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("Usage:") && !result.stderr.contains("Error:"))
        #expect(result.stdout.isEmpty)
    }
}
