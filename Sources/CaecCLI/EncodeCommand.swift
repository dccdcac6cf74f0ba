import ArgumentParser
import Caec
import CaecCore
import CaecEval
import CaecImageIO
import CaecModel

/// `caec encode`: PNG/JPEG to `.cae`.
struct EncodeCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Compress a PNG or JPEG image to a .cae file.",
        discussion: """
            Prints one summary line on standard error: size, bits per pixel, model and quality (and PSNR with -v). \
            The same image, model and quality give the same bytes on every machine. Images of any size are \
            accepted; sides that are not multiples of the model's rate are padded and cropped back on decoding. \
            The input's ICC profile, EXIF and XMP are kept in the .cae file (--strip drops them); EXIF orientation \
            is applied to the pixels and reset to 1 in the kept EXIF; a PNG's gAMA/cHRM become an equivalent ICC \
            profile. Gray input (gray PNG, one-component JPEG) is stored as gray and decodes to a gray image.
            """
    )

    @Argument(
        help: ArgumentHelp("Input PNG or JPEG, or - for standard input.", valueName: "input"),
        completion: .file(extensions: ["png", "jpg", "jpeg"]))
    var input: String

    @Argument(
        help: ArgumentHelp("Output .cae file, or - for standard output.", valueName: "output"),
        completion: .file(extensions: ["cae"]))
    var output: String

    @Option(
        help: "Model id (see `caec models`).",
        completion: .list(ModelRegistry.rateDistortionIDs + ModelRegistry.hyperpriorIDs + ModelRegistry.autoencoderIDs))
    var model: String = "bmshj-f-vr"

    @Option(help: "Quality, from 1 (smallest) to the model's highest (see `caec models`); default: the middle one.")
    var quality: Int?

    @Option(help: "Choose the highest quality whose file fits in this many bytes (instead of --quality).")
    var targetSize: Int?

    @Option(help: "Choose the highest quality whose file fits in this many bits per pixel (instead of --quality).")
    var targetBpp: Double?

    @Option(
        help: "Models folder (default: $CAEC_MODELS, else Models/ beside the executable or here).",
        completion: .directory)
    var models: String?

    @Flag(help: "Replace the output if it exists.")
    var force = false

    @Flag(help: "Drop the input's ICC profile, EXIF and XMP instead of keeping them in the .cae file.")
    var strip = false

    @Option(
        help: ArgumentHelp(
            "Encoder effort, 0-9: search for better latents (slower, smaller files; same decoder).",
            discussion: """
                0 (default) is the plain encoder, whose bytes are the same on every machine. 1-9 run 10, 20, 40, 60, \
                100, 150, 200, 300, 500 steps of stochastic Gumbel annealing on the model's own rate + lambda x \
                distortion (bmshj-f-vr; other models ignore it); their bytes may differ between machines, and any \
                caec decodes them. Images up to 16 Mpx.
                """))
    var effort: Int = 0

    @Flag(name: .shortAndLong, help: "Also decode the result and report its PSNR.")
    var verbose = false

    @OptionGroup(title: "Input options")
    var inputOptions: ImageInputOptions

    func validate() throws {
        let chosen = [quality != nil, targetSize != nil, targetBpp != nil].filter { $0 }.count
        guard chosen <= 1 else { throw ValidationError("give at most one of --quality, --target-size, --target-bpp") }
        if let targetSize, targetSize < 1 { throw ValidationError("--target-size must be at least 1 byte") }
        if let targetBpp, !(targetBpp > 0) { throw ValidationError("--target-bpp must be positive") }
        guard (0...CaecCodec.maxEffort).contains(effort) else {
            throw ValidationError("--effort must be in 0...\(CaecCodec.maxEffort)")
        }
    }

    func execute() throws(CLIFailure) {
        let destination = SafeOutput(path: output, force: force)
        try destination.checkWritable(inputs: [input])
        let codec = try ModelStore(option: models).codec(model)
        let decoded = try inputOptions.readDecoded(input)
        let (image, metadata) = (decoded.image, CaecMetadata(decoded.metadata, strip: strip))
        var chosen = quality ?? (codec.qualities.lowerBound + codec.qualities.upperBound + 1) / 2
        guard codec.qualities.contains(chosen) else {
            throw CLIFailure(
                .usage, path: nil,
                "--quality \(chosen) is outside \(codec.qualities.lowerBound)...\(codec.qualities.upperBound) for \(model)"
            )
        }
        let bytes: [UInt8]
        if let budget = budgetBytes(pixels: image.pixelCount) {
            (chosen, bytes) = try fitting(budget, codec: codec, image: image, metadata: metadata)
        } else {
            bytes = try encode(codec: codec, image: image, quality: chosen, metadata: metadata, effort: effort)
        }
        try destination.write(bytes, inputs: [input])
        var summary =
            "\(output == "-" ? "stdout" : output): \(image.width)x\(image.height), \(model) quality \(chosen), "
            + "\(bytes.count) bytes, \(NumberFormat.fixed(Double(bytes.count * 8) / Double(image.pixelCount), 3)) bpp"
        if verbose {
            do {
                let decoded = try codec.decode(bytes, limits: inputOptions.readOptions.limits)
                summary += ", PSNR \(NumberFormat.fixed(PixelError.psnr(image, decoded), 2)) dB"
            } catch {
                throw CLIFailure(.internalError, path: output, "cannot decode what was written: \(error.message)")
            }
        }
        printError(summary)
    }

    /// The highest quality whose file fits in `budget` bytes, and that file. With effort, the plain ladder picks a
    /// quality; the refined files of the next quality up and of that one are tried, in that order, and the plain
    /// file is kept if neither fits.
    private func fitting(_ budget: Int, codec: CaecCodec, image: RGBImage, metadata: CaecMetadata)
        throws(CLIFailure) -> (quality: Int, bytes: [UInt8])
    {
        let files: [[UInt8]]
        do { files = try codec.encodeAllQualities(image, metadata: metadata) } catch { throw encodingFailure(error) }
        guard let best = files.indices.last(where: { files[$0].count <= budget }) else {
            throw CLIFailure(
                .badInput, path: input,
                "no quality of \(model) fits in \(budget) bytes (the smallest file is \(files[0].count) bytes)")
        }
        guard effort > 0 && codec.supportsEffort else { return (best + 1, files[best]) }
        for quality in [best + 2, best + 1] where codec.qualities.contains(quality) {
            let refined = try encode(codec: codec, image: image, quality: quality, metadata: metadata, effort: effort)
            if refined.count <= budget { return (quality, refined) }
        }
        return (best + 1, files[best])
    }

    /// One encode, with a progress line on standard error while an effort search runs.
    private func encode(codec: CaecCodec, image: RGBImage, quality: Int, metadata: CaecMetadata, effort: Int)
        throws(CLIFailure) -> [UInt8]
    {
        var progress = ProgressLine(interval: 5)
        let started = Clock.seconds()
        let bytes: [UInt8]
        do {
            bytes = try codec.encode(image, quality: quality, metadata: metadata, effort: effort) { done, total in
                let elapsed = Clock.seconds() - started
                guard elapsed > 1 else { return }
                let eta = elapsed / Double(done) * Double(total - done)
                progress.update(
                    "\(input): effort \(effort), quality \(quality): step \(done)/\(total), ETA \(formatDuration(eta))")
            }
        } catch { throw encodingFailure(error) }
        if Clock.seconds() - started > 1 && effort > 0 {
            progress.finish("\(input): effort \(effort) search took \(formatDuration(Clock.seconds() - started))")
        }
        return bytes
    }

    private func encodingFailure(_ error: CaecError) -> CLIFailure {
        CLIFailure(error.code == .tooLarge ? .badInput : .internalError, path: input, error.message)
    }

    /// The byte budget from --target-size or --target-bpp, if one was given.
    private func budgetBytes(pixels: Int) -> Int? {
        if let targetSize { return targetSize }
        if let targetBpp { return Int((targetBpp * Double(pixels) / 8).rounded(.down)) }
        return nil
    }
}
