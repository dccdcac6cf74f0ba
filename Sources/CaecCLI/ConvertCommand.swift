import ArgumentParser
import CaecImageIO

/// `caec convert`: PNG/JPEG to PNG/JPEG, the same I/O path the codec and the JPEG baseline use.
struct ConvertCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a PNG or JPEG image to PNG or JPEG.",
        discussion: """
            The input format is detected from its bytes, not its name. The output format comes from --format, \
            or else from the output's extension (.png, .jpg, .jpeg). Transparent pixels are composited over \
            --background; EXIF orientation is applied. The output is written to a temporary file and moved into \
            place only when complete: an existing output is never replaced without --force.
            """
    )

    @Argument(
        help: ArgumentHelp("Input PNG or JPEG file, or - for standard input.", valueName: "input"),
        completion: .file(extensions: ["png", "jpg", "jpeg"]))
    var input: String

    @Argument(
        help: ArgumentHelp("Output file, or - for standard output (needs --format).", valueName: "output"),
        completion: .file(extensions: ["png", "jpg", "jpeg"]))
    var output: String

    @Option(help: "Output format: png or jpeg (default: from the output's extension).")
    var format: OutputImageFormat?

    @Option(help: "JPEG quality, 1-100.")
    var quality: Int = 90

    @Option(help: "JPEG chroma subsampling: 420 or 444.")
    var subsampling: SubsamplingOption = .s420

    @Option(help: "PNG zlib compression level, 0-9.")
    var pngLevel: Int = 6

    @Flag(help: "Replace the output if it exists.")
    var force = false

    @OptionGroup(title: "Input options")
    var inputOptions: ImageInputOptions

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be in 1...100") }
        guard (0...9).contains(pngLevel) else { throw ValidationError("--png-level must be in 0...9") }
        if format == nil && OutputImageFormat(path: output) == nil {
            throw ValidationError("cannot tell the output format from '\(output)': use --format png or --format jpeg")
        }
    }

    func execute() throws(CLIFailure) {
        let destination = SafeOutput(path: output, force: force)
        try destination.checkWritable(inputs: [input])
        let image = try inputOptions.readImage(input)
        let bytes: [UInt8]
        do {
            switch format ?? OutputImageFormat(path: output)! {
            case .png: bytes = try PNGWriter.encode(image, compressionLevel: pngLevel)
            case .jpeg: bytes = try JPEGWriter.encode(image, quality: quality, subsampling: subsampling.value)
            }
        } catch {
            throw CLIFailure(.internalError, path: output, error.description)
        }
        try destination.write(bytes, inputs: [input])
    }
}

/// An image format caec can write.
enum OutputImageFormat: String, ExpressibleByArgument, CaseIterable {
    case png
    case jpeg

    /// The format named by a file's extension, if it names one.
    init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".png") {
            self = .png
        } else if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") {
            self = .jpeg
        } else {
            return nil
        }
    }
}

enum SubsamplingOption: String, ExpressibleByArgument, CaseIterable {
    case s420 = "420"
    case s444 = "444"

    var value: ChromaSubsampling { self == .s420 ? .yuv420 : .yuv444 }
}
