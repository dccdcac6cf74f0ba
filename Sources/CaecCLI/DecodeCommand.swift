import ArgumentParser
import Caec
import CaecCore
import CaecImageIO

/// `caec decode`: `.cae` to PNG or JPEG.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decompress a .cae file to PNG or JPEG.",
        discussion: """
            The model is the one named in the file's header, loaded from the models folder. The output format \
            comes from --format, or else from the output's extension (.png, .jpg, .jpeg); standard output (-) and \
            outputs in a folder (-o DIR) are PNG unless --format says jpeg. The ICC profile, EXIF \
            and XMP stored in the file are written back (PNG iCCP, eXIf, iTXt; JPEG APP2, APP1), and a gray file \
            decodes to a gray PNG or JPEG. With several inputs, a file that fails is reported and the others are \
            still decoded; the exit status is the first failure's.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "Input .cae files (- for standard input), then the output PNG or JPEG unless -o names it.",
            discussion: "IN OUT, IN -o OUT, or IN... -o DIR: several inputs go to DIR as <name>.png (or .jpg).",
            valueName: "file"),
        completion: .file(extensions: ["cae", "png", "jpg", "jpeg"]))
    var files: [String] = []

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Output PNG or JPEG (- for standard output), or a folder for one or more inputs.",
            valueName: "output"),
        completion: .file(extensions: ["png", "jpg", "jpeg"]))
    var output: String?

    @Option(help: "Output format: png or jpeg (default: from the output's extension; png in a folder).")
    var format: OutputImageFormat?

    @Option(help: "JPEG quality when writing JPEG, 1-100.")
    var jpegQuality: Int = 95

    @Option(help: "Refuse images with more pixels than this, checked before decoding.")
    var maxPixels: Int = ImageLimits.default.maxPixels

    @OptionGroup var coding: CodingOptions

    @Flag(
        name: .shortAndLong,
        help: "Print a summary line per file: size, model and quality, .cae bytes, bits per pixel, time.")
    var verbose = false

    @Flag(help: "Print no summary lines (the default without -v; warnings and errors still go to standard error).")
    var quiet = false

    func validate() throws {
        guard (1...100).contains(jpegQuality) else { throw ValidationError("--jpeg-quality must be in 1...100") }
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be positive") }
        if verbose && quiet { throw ValidationError("give at most one of --verbose and --quiet") }
    }

    func run() throws {
        let status = withWorkers(coding.threads) { () -> Int32 in
            do throws(CLIFailure) {
                let jobs = try FileJobs.resolve(
                    files: files, output: output, outputExtension: format == .jpeg ? "jpg" : "png",
                    command: "decode")
                if jobs.count == 1 {
                    let job = jobs[0]
                    try SafeOutput(path: job.output, force: coding.force).checkWritable(inputs: [job.input])
                    if format == nil && job.output != "-" && OutputImageFormat(path: job.output) == nil {
                        throw CLIFailure(
                            .usage, path: job.output,
                            "cannot tell the output format from the name: use --format png or --format jpeg")
                    }
                }
                let store = coding.store
                var codecs: [CaecCodec] = []
                return FileJobs.runEach(jobs) { job throws(CLIFailure) in
                    try decode(job, store: store, codecs: &codecs)
                }
            } catch {
                printError(error.message)
                return error.exitStatus
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    private func decode(_ job: FileJob, store: ModelStore, codecs: inout [CaecCodec]) throws(CLIFailure) {
        let started = Clock.seconds()
        let destination = SafeOutput(path: job.output, force: coding.force)
        try destination.checkWritable(inputs: [job.input])
        let chosen = format ?? OutputImageFormat(path: job.output) ?? .png
        if !quiet, let warning = chosen.mismatchWarning(path: job.output) { printWarning(path: job.output, warning) }
        let bytes = try FileInput.read(job.input)
        let info: CaecFileInfo
        do { info = try Caec.peek(bytes) } catch { throw CLIFailure(.badInput, path: job.input, error.message) }
        guard let modelID = info.modelID else {
            throw CLIFailure(
                .model, path: job.input, "unknown model code \(info.modelCode): this caec does not know it")
        }
        // The weights that made the file: the current ones, or superseded ones kept beside them.
        let codec: CaecCodec
        if let loaded = codecs.first(where: { $0.matches(info) }) {
            codec = loaded
        } else {
            var loaded = try store.codec(for: info, path: job.input)
            loaded.threads = coding.threads
            codecs.append(loaded)
            codec = loaded
        }
        let limits = ImageLimits(maxWidth: 65536, maxHeight: 65536, maxPixels: maxPixels)
        let decoded: CaecDecodedImage
        do { decoded = try codec.decodeWithMetadata(bytes, info: info, limits: limits) } catch {
            throw CLIFailure(error.code == .modelMismatch ? .model : .badInput, path: job.input, error.message)
        }
        let (image, metadata) = (decoded.image, ImageMetadata(decoded.metadata))
        let encoded: [UInt8]
        do {
            switch chosen {
            case .png: encoded = try PNGWriter.encode(image, metadata: metadata)
            case .jpeg:
                encoded = try JPEGWriter.encode(
                    image, quality: jpegQuality, metadata: metadata.fittingJPEG(warningPath: job.input))
            }
        } catch { throw CLIFailure(.internalError, path: job.output, error.description) }
        try destination.write(encoded, inputs: [job.input])
        guard verbose else { return }
        let bpp = Double(bytes.count * 8) / Double(image.pixelCount)
        printError(
            "\(job.output == "-" ? "stdout" : job.output): \(image.width)x\(image.height), \(modelID) quality "
                + "\(info.exactQuality), \(bytes.count) bytes, \(NumberFormat.fixed(bpp, 3)) bpp, "
                + "\(NumberFormat.fixed(Clock.seconds() - started, 3)) s")
    }
}
