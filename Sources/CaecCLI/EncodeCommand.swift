import ArgumentParser
import Caec
import CaecCore
import CaecEval
import CaecImageIO
import CaecMetrics
import CaecModel
import CaecTensor

/// `caec encode`: PNG/JPEG to `.cae`.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Compress a PNG or JPEG image to a .cae file.",
        discussion: """
            Prints one summary line per file on standard error: size, model and model quality, bytes, bits per \
            pixel (and PSNR with -v; nothing with --quiet). With several inputs (-o DIR), a file that fails is \
            reported and the others are still encoded; the exit status is the first failure's. \
            The same image, model and quality give the same bytes on every machine. Images of any size are \
            accepted; sides that are not multiples of the model's rate are padded and cropped back on decoding. \
            The input's ICC profile, EXIF and XMP are kept in the .cae file (--strip drops them); EXIF orientation \
            is applied to the pixels and reset to 1 in the kept EXIF; a PNG's gAMA/cHRM become an equivalent ICC \
            profile. Gray input (gray PNG, one-component JPEG) is stored as gray and decodes to a gray image.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "Input PNG or JPEG files (- for standard input), then the output .cae file unless -o names it.",
            discussion: "IN OUT, IN -o OUT, or IN... -o DIR: several inputs go to DIR as <name>.cae.",
            valueName: "file"),
        completion: .file(extensions: ["png", "jpg", "jpeg", "cae"]))
    var files: [String] = []

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Output .cae file (- for standard output), or a folder for one or more inputs.",
            discussion: """
                A folder (an existing one, or a name ending in /) receives each input's output named after it, \
                with .cae in place of its extension.
                """,
            valueName: "output"),
        completion: .file(extensions: ["cae"]))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "Model id (see `caec models`); default bmshj-hp-vr, or bmshj-f-vr for images under 96x96 pixels.",
            discussion: """
                Without --model, an image of fewer than 9,216 pixels (96x96) is encoded with bmshj-f-vr, whose \
                files are smaller there: the hyperprior's side information costs more than it saves on small \
                images (measured on photo crops: 19% more bits at 32x32, 5% at 64x64, even at 96x96, 6% fewer at \
                128x128). A fractional --model-quality keeps bmshj-hp-vr, the model with a continuous scale.
                """),
        completion: .list(ModelRegistry.hyperpriorIDs + ModelRegistry.rateDistortionIDs + ModelRegistry.autoencoderIDs))
    var model: String?

    /// The model `caec encode` uses without `--model`.
    static let defaultModel = "bmshj-hp-vr"
    /// The model `caec encode` uses without `--model` for images of fewer than `smallImagePixels` pixels.
    static let smallImageModel = "bmshj-f-vr"
    /// 96 x 96: below it `smallImageModel` codes photo crops in fewer bits than `defaultModel` (same PSNR).
    static let smallImagePixels = 96 * 96

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Quality, 0 (smallest) to 100 (best), on one scale for every model; default 50.",
            discussion: """
                Mapped linearly onto the model's qualities 1...Q. Models with a continuous quality scale \
                (bmshj-hp-vr) take model quality = 1 + q x (Q - 1) / 100, rounded to 1/256, so every q is its own \
                operating point (their gains are interpolated between trained qualities). The others, whose \
                entropy tables are per quality (bmshj-f-vr, cae-r*), have integer qualities only and round \
                (halves up): model quality = 1 + round(q x (Q - 1) / 100); for the eight qualities of bmshj-f-vr: \
                0-7 -> 1, 8-21 -> 2, 22-35 -> 3, 36-49 -> 4, 50-64 -> 5, 65-78 -> 6, 79-92 -> 7, 93-100 -> 8. \
                Before caec 0.2, --quality took the model's own index, now --model-quality.
                """,
            valueName: "0-100"))
    var quality: Int?

    @Option(
        help: ArgumentHelp(
            "The model's own quality, 1 to its highest (see `caec models`), instead of --quality.",
            discussion: """
                A decimal such as 4.5 for models with a continuous quality scale (bmshj-hp-vr), rounded to 1/256 \
                and stored exactly in the file; an integer for the others.
                """))
    var modelQuality: Double?

    @Option(help: "Choose the highest quality whose file fits in this many bytes (instead of --quality).")
    var targetSize: Int?

    @Option(help: "Choose the highest quality whose file fits in this many bits per pixel (instead of --quality).")
    var targetBpp: Double?

    @OptionGroup var coding: CodingOptions

    @Flag(help: "Drop the input's ICC profile, EXIF and XMP instead of keeping them in the .cae file.")
    var strip = false

    @Option(
        help: ArgumentHelp(
            "Encoder effort, 0-9: search for better latents (slower; better rate + distortion; same decoder).",
            discussion: """
                0 is the plain encoder, whose bytes are the same on every machine. 1-9 run 5, 10, 20, 30, \
                45, 60, 80, 110, 150 steps of stochastic Gumbel annealing on the model's own rate + lambda x \
                distortion (bmshj-hp-vr, bmshj-hp-vr-n128, bmshj-f-vr, cifar-task-vr and cifar-task-vr8; the autoencoders and imported models \
                encode at effort 0 with a warning). The search lowers the model's own rate + lambda x distortion: at a fixed quality \
                it mostly raises PSNR, with the same or slightly fewer bytes. On 32x32 images the task-aware codecs \
                (cifar-task-vr, cifar-task-vr8) add their task term, as in their training: beta x the divergence of \
                their training classifier resnet9-cifar-task (needed in the models folder) between original and \
                reconstruction, so the search keeps what classifiers see. Their bytes may differ between \
                machines, and any caec decodes them. Images wider or taller than 1536 pixels are searched in tiles.
                """))
    var effort: Int = 0

    @Flag(name: .shortAndLong, help: "Also decode the result and report its PSNR.")
    var verbose = false

    @Flag(help: "Print no summary lines (warnings and errors still go to standard error).")
    var quiet = false

    @OptionGroup(title: "Input options")
    var inputOptions: ImageInputOptions

    func validate() throws {
        let chosen = [quality != nil, modelQuality != nil, targetSize != nil, targetBpp != nil].filter { $0 }.count
        guard chosen <= 1 else {
            throw ValidationError("give at most one of --quality, --model-quality, --target-size, --target-bpp")
        }
        if let quality, !(0...100).contains(quality) { throw ValidationError("--quality must be in 0...100") }
        if let modelQuality, !(modelQuality >= 1) { throw ValidationError("--model-quality must be at least 1") }
        if let targetSize, targetSize < 1 { throw ValidationError("--target-size must be at least 1 byte") }
        if let targetBpp, !(targetBpp > 0) { throw ValidationError("--target-bpp must be positive") }
        guard (0...CaecCodec.maxEffort).contains(effort) else {
            throw ValidationError("--effort must be in 0...\(CaecCodec.maxEffort)")
        }
        if verbose && quiet { throw ValidationError("give at most one of --verbose and --quiet") }
        if let model, !ModelRegistry.codecIDs.contains(model) {
            let known = ModelRegistry.codecIDs.joined(separator: ", ")
            if ModelRegistry.classifierIDs.contains(model) {
                throw ValidationError("'\(model)' is a classifier, not a codec; codec models: \(known)")
            }
            throw ValidationError("unknown model '\(model)'; known: \(known)")
        }
    }

    func run() throws {
        let status = withWorkers(coding.threads) { () -> Int32 in
            do throws(CLIFailure) {
                let jobs = try FileJobs.resolve(
                    files: files, output: output, outputExtension: "cae", command: "encode")
                if jobs.count == 1 {
                    try SafeOutput(path: jobs[0].output, force: coding.force).checkWritable(inputs: [jobs[0].input])
                }
                if effort > 0 { KeepFreedMemory.apply() }
                var codecs: [String: (CaecCodec, QualitySetting)] = [:]
                return FileJobs.runEach(jobs) { job throws(CLIFailure) in
                    try encode(job) { image throws(CLIFailure) in
                        let id = chosenModel(for: image)
                        let (codec, setting): (CaecCodec, QualitySetting)
                        if let loaded = codecs[id] {
                            (codec, setting) = loaded
                        } else {
                            var loading = try coding.store.codec(id)
                            loading.threads = coding.threads
                            if effort > 0 && !loading.supportsEffort && !quiet {
                                printError(
                                    "caec: warning: --effort \(effort): \(id) has no latent search; encoding at effort 0"
                                )
                            }
                            (codec, setting) = (loading, try qualitySetting(loading, model: id))
                            codecs[id] = (codec, setting)
                        }
                        // A task-aware codec searches 32x32 images with its training classifier.
                        if effort > 0,
                            let classifier = codec.missingTaskClassifier(width: image.width, height: image.height)
                        {
                            throw CLIFailure(
                                .model, path: coding.store.path(classifier),
                                "not found: --effort with \(id) searches 32x32 images with its training classifier "
                                    + "'\(classifier)'; put it in the models folder (see `caec models`), or use --effort 0"
                            )
                        }
                        return (id, codec, setting)
                    }
                }
            } catch {
                printError(error.message)
                return error.exitStatus
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// How the quality of each file is chosen.
    private enum QualitySetting {
        case fixed(Double)
        case targetBytes(Int)
        case targetBitsPerPixel(Double)
    }

    /// `--model`, or else the default for an image of this size (`smallImageModel` below `smallImagePixels`, unless
    /// `--model-quality` is fractional).
    private func chosenModel(for image: RGBImage) -> String {
        if let model { return model }
        let fractional = modelQuality.map { $0.rounded() != $0 } ?? false
        return image.pixelCount < Self.smallImagePixels && !fractional ? Self.smallImageModel : Self.defaultModel
    }

    private func qualitySetting(_ codec: CaecCodec, model: String) throws(CLIFailure) -> QualitySetting {
        if let targetSize { return .targetBytes(targetSize) }
        if let targetBpp { return .targetBitsPerPixel(targetBpp) }
        if let modelQuality {
            do { _ = try codec.modelQuality(modelQuality) } catch {
                throw CLIFailure(
                    .usage, path: nil, "--model-quality \(NumberFormat.shortest(modelQuality)): " + error.message)
            }
            return .fixed(modelQuality)
        }
        let percent = quality ?? 50
        let mapped = try! codec.scaledQuality(percent: percent)
        if let quality, codec.qualities.contains(quality), mapped != Double(quality), !quiet {
            printError(
                "caec: warning: --quality \(quality) is on the 0-100 scale (\(model) quality "
                    + "\(ModelQuality(rounding: mapped)!)); --model-quality \(quality) selects the model's own "
                    + "quality \(quality)")
        }
        return .fixed(mapped)
    }

    /// Encodes one file with the model, codec and quality setting `codecFor` gives for its image.
    private func encode(
        _ job: FileJob, codecFor: (RGBImage) throws(CLIFailure) -> (String, CaecCodec, QualitySetting)
    ) throws(CLIFailure) {
        let destination = SafeOutput(path: job.output, force: coding.force)
        try destination.checkWritable(inputs: [job.input])
        if let suffix = OutputImageFormat.imageSuffix(job.output), !quiet {
            printError("caec: warning: \(job.output): writing a .cae file to a name ending in \(suffix)")
        }
        let decoded = try inputOptions.readDecoded(job.input)
        let (image, metadata) = (decoded.image, CaecMetadata(decoded.metadata, strip: strip))
        let (model, codec, setting) = try codecFor(image)
        let chosen: Double
        let bytes: [UInt8]
        switch setting {
        case .fixed(let quality):
            chosen = quality
            bytes = try encode(codec: codec, job: job, image: image, metadata: metadata) { progress throws(CaecError) in
                try codec.encode(image, quality: quality, metadata: metadata, effort: effort, progress: progress)
            }
        case .targetBytes(let budget):
            (bytes, chosen) = try encode(codec: codec, job: job, image: image, metadata: metadata) {
                progress throws(CaecError) in
                try codec.encode(image, targetBytes: budget, metadata: metadata, effort: effort, progress: progress)
            }
        case .targetBitsPerPixel(let bpp):
            (bytes, chosen) = try encode(codec: codec, job: job, image: image, metadata: metadata) {
                progress throws(CaecError) in
                try codec.encode(
                    image, targetBitsPerPixel: bpp, metadata: metadata, effort: effort, progress: progress)
            }
        }
        try destination.write(bytes, inputs: [job.input])
        guard !quiet else { return }
        var summary =
            "\(job.output == "-" ? "stdout" : job.output): \(image.width)x\(image.height), \(model) quality \(ModelQuality(rounding: chosen)!), "
            + "\(bytes.count) bytes, \(NumberFormat.fixed(Double(bytes.count * 8) / Double(image.pixelCount), 3)) bpp"
        if verbose {
            do {
                let decoded = try codec.decode(bytes, limits: inputOptions.readOptions.limits)
                summary += ", PSNR \(NumberFormat.fixed(ImageMetrics.psnr(image, decoded), 2)) dB"
            } catch {
                throw CLIFailure(.internalError, path: job.output, "cannot decode what was written: \(error.message)")
            }
        }
        printError(summary)
    }

    /// Runs one library encode, with a progress line on standard error while an effort search runs (unless
    /// --quiet), and maps its failure: an image too large or a budget no quality fits is the input's fault.
    private func encode<Result>(
        codec: CaecCodec, job: FileJob, image: RGBImage, metadata: CaecMetadata,
        _ body: (_ progress: (Int, Int) -> Void) throws(CaecError) -> Result
    ) throws(CLIFailure) -> Result {
        var progress = ProgressLine(interval: 5)
        let started = Clock.seconds()
        let result: Result
        do {
            result = try body { done, total in
                let elapsed = Clock.seconds() - started
                guard elapsed > 1, !quiet else { return }
                let eta = elapsed / Double(done) * Double(total - done)
                progress.update(
                    "\(job.input): effort \(effort): step \(done)/\(total), ETA \(formatDuration(eta))")
            }
        } catch {
            let kind: CLIFailure.Kind =
                error.code == .tooLarge || error.code == .invalidArgument ? .badInput : .internalError
            throw CLIFailure(kind, path: job.input, error.message)
        }
        if Clock.seconds() - started > 1 && effort > 0 && !quiet {
            progress.finish("\(job.input): effort \(effort) search took \(formatDuration(Clock.seconds() - started))")
        }
        return result
    }
}

/// Runs `body` with `TensorParallelism.maxWorkers` set to `threads`, or as it is when `threads` is nil.
func withWorkers<Result>(_ threads: Int?, _ body: () -> Result) -> Result {
    guard let threads else { return body() }
    return TensorParallelism.$maxWorkers.withValue(threads) { body() }
}
