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
            --background; EXIF orientation is applied to the pixels and reset to 1 in the kept EXIF. The ICC \
            profile (a PNG's gAMA/cHRM as an equivalent one), EXIF and XMP are written to the output (PNG iCCP, \
            eXIf, iTXt; JPEG APP2, APP1; --strip drops them), and gray input gives a gray PNG or JPEG. The output is written to a temporary file and moved into \
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

    @Flag(help: "Drop the input's ICC profile, EXIF and XMP instead of writing them to the output.")
    var strip = false

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
        let chosen = format ?? OutputImageFormat(path: output)!
        if let warning = chosen.mismatchWarning(path: output) { printWarning(path: output, warning) }
        let decoded = try inputOptions.readDecoded(input)
        let (image, metadata) = (decoded.image, ImageMetadata(keeping: decoded.metadata, strip: strip))
        let bytes: [UInt8]
        do {
            switch chosen {
            case .png: bytes = try PNGWriter.encode(image, compressionLevel: pngLevel, metadata: metadata)
            case .jpeg:
                bytes = try JPEGWriter.encode(
                    image, quality: quality, subsampling: subsampling.value,
                    metadata: metadata.fittingJPEG(warningPath: input))
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

    /// The warning for writing this format to `path` when its extension names another image format (a JPEG in
    /// `x.png`), or nil; `-` and names without such an extension get none.
    func mismatchWarning(path: String) -> String? {
        guard path != "-", let suffix = Self.imageSuffix(path), OutputImageFormat(path: path) != self else {
            return nil
        }
        return "writing a \(self == .png ? "PNG" : "JPEG") file to a name ending in \(suffix)"
    }

    /// The extension of `path` that names an image format (`.png`, `.jpg`, `.jpeg`, lower-cased), or nil.
    static func imageSuffix(_ path: String) -> String? {
        let lower = path.lowercased()
        return [".png", ".jpg", ".jpeg"].first(where: lower.hasSuffix)
    }

    /// The format named by a file's extension, if it names one.
    init?(path: String) {
        switch Self.imageSuffix(path) {
        case ".png": self = .png
        case ".jpg", ".jpeg": self = .jpeg
        default: return nil
        }
    }
}

enum SubsamplingOption: String, ExpressibleByArgument, CaseIterable {
    case s420 = "420"
    case s444 = "444"

    var value: ChromaSubsampling { self == .s420 ? .yuv420 : .yuv444 }
}
