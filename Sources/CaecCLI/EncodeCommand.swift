import ArgumentParser
import Caec
import CaecCore
import CaecEval
import CaecImageIO

/// `caec encode`: PNG/JPEG to `.cae`.
struct EncodeCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Compress a PNG or JPEG image to a .cae file.",
        discussion: """
            Prints one summary line on standard error: size, bits per pixel, model and quality (and PSNR with -v). \
            The same image, model and quality give the same bytes on every machine. Images of any size are \
            accepted; sides that are not multiples of the model's rate are padded and cropped back on decoding.
            """
    )

    @Argument(help: ArgumentHelp("Input PNG or JPEG, or - for standard input.", valueName: "input"))
    var input: String

    @Argument(help: ArgumentHelp("Output .cae file, or - for standard output.", valueName: "output"))
    var output: String

    @Option(help: "Model id (see `caec models`).")
    var model: String = "cae-r4"

    @Option(help: "Quality, from 1 (smallest) to the model's highest (see `caec models`); default: the middle one.")
    var quality: Int?

    @Option(help: "Models folder (default: $CAEC_MODELS, else Models/ beside the executable or here).")
    var models: String?

    @Flag(help: "Replace the output if it exists.")
    var force = false

    @Flag(name: .shortAndLong, help: "Also decode the result and report its PSNR.")
    var verbose = false

    @OptionGroup(title: "Input options")
    var inputOptions: ImageInputOptions

    func execute() throws(CLIFailure) {
        let destination = SafeOutput(path: output, force: force)
        try destination.checkWritable(inputs: [input])
        let codec = try ModelStore(option: models).codec(model)
        let image = try inputOptions.readImage(input)
        let chosen = quality ?? (codec.qualities.lowerBound + codec.qualities.upperBound + 1) / 2
        guard codec.qualities.contains(chosen) else {
            throw CLIFailure(
                .usage, path: nil,
                "--quality \(chosen) is outside \(codec.qualities.lowerBound)...\(codec.qualities.upperBound) for \(model)"
            )
        }
        let bytes: [UInt8]
        do { bytes = try codec.encode(image, quality: chosen) } catch {
            throw CLIFailure(error.code == .tooLarge ? .badInput : .internalError, path: input, error.message)
        }
        try destination.write(bytes, inputs: [input])
        var summary =
            "\(output == "-" ? "stdout" : output): \(image.width)x\(image.height), \(model) quality \(chosen), "
            + "\(bytes.count) bytes, \(fixed(Double(bytes.count * 8) / Double(image.pixelCount), 3)) bpp"
        if verbose {
            do {
                let decoded = try codec.decode(bytes, limits: inputOptions.readOptions.limits)
                summary += ", PSNR \(fixed(PixelError.psnr(image, decoded), 2)) dB"
            } catch {
                throw CLIFailure(.internalError, path: output, "cannot decode what was written: \(error.message)")
            }
        }
        printError(summary)
    }
}
