import ArgumentParser
import Caec
import CaecCore
import CaecImageIO

/// `caec decode`: `.cae` to PNG or JPEG.
struct DecodeCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decompress a .cae file to PNG or JPEG.",
        discussion: """
            The model is the one named in the file's header, loaded from the models folder. The output format \
            comes from --format, or else from the output's extension (.png, .jpg, .jpeg); standard output needs \
            --format. The ICC profile, EXIF and XMP stored in the file are written back (PNG iCCP, eXIf, iTXt; \
            JPEG APP2, APP1), and a gray file decodes to a gray PNG or JPEG.
            """
    )

    @Argument(
        help: ArgumentHelp("Input .cae file, or - for standard input.", valueName: "input"),
        completion: .file(extensions: ["cae"]))
    var input: String

    @Argument(
        help: ArgumentHelp("Output PNG or JPEG, or - for standard output.", valueName: "output"),
        completion: .file(extensions: ["png", "jpg", "jpeg"]))
    var output: String

    @Option(help: "Output format: png or jpeg (default: from the output's extension).")
    var format: OutputImageFormat?

    @Option(help: "JPEG quality when writing JPEG, 1-100.")
    var jpegQuality: Int = 95

    @Option(help: "Refuse images with more pixels than this, checked before decoding.")
    var maxPixels: Int = ImageLimits.default.maxPixels

    @Option(
        help: "Models folder (default: $CAEC_MODELS, else Models/ beside the executable or here).",
        completion: .directory)
    var models: String?

    @Flag(help: "Replace the output if it exists.")
    var force = false

    func validate() throws {
        guard (1...100).contains(jpegQuality) else { throw ValidationError("--jpeg-quality must be in 1...100") }
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be positive") }
        if format == nil && OutputImageFormat(path: output) == nil {
            throw ValidationError("cannot tell the output format from '\(output)': use --format png or --format jpeg")
        }
    }

    func execute() throws(CLIFailure) {
        let destination = SafeOutput(path: output, force: force)
        try destination.checkWritable(inputs: [input])
        let bytes = try FileInput.read(input)
        let info: CaecFileInfo
        do { info = try Caec.peek(bytes) } catch { throw CLIFailure(.badInput, path: input, error.message) }
        guard let modelID = info.modelID else {
            throw CLIFailure(.model, path: input, "unknown model code \(info.modelCode): this caec does not know it")
        }
        let codec = try ModelStore(option: models).codec(modelID)
        let limits = ImageLimits(maxWidth: 65536, maxHeight: 65536, maxPixels: maxPixels)
        let decoded: CaecDecodedImage
        do { decoded = try codec.decodeWithMetadata(bytes, limits: limits) } catch {
            throw CLIFailure(error.code == .modelMismatch ? .model : .badInput, path: input, error.message)
        }
        let (image, metadata) = (decoded.image, ImageMetadata(decoded.metadata))
        let encoded: [UInt8]
        do {
            switch format ?? OutputImageFormat(path: output)! {
            case .png: encoded = try PNGWriter.encode(image, metadata: metadata)
            case .jpeg:
                encoded = try JPEGWriter.encode(image, quality: jpegQuality, metadata: fittingJPEG(metadata))
            }
        } catch { throw CLIFailure(.internalError, path: output, error.description) }
        try destination.write(encoded, inputs: [input])
    }

    /// `metadata` without the EXIF or XMP that one JPEG APP1 segment cannot hold (64 KiB), each left out with a
    /// warning: PNG output keeps them whatever their size.
    private func fittingJPEG(_ metadata: ImageMetadata) -> ImageMetadata {
        var fitting = metadata
        if let exif = metadata.exif, exif.count > JPEGWriter.maxEXIFBytes {
            printWarning(path: input, "EXIF of \(exif.count) bytes does not fit in JPEG; left out (use PNG output)")
            fitting.exif = nil
        }
        if let xmp = metadata.xmp, xmp.count > JPEGWriter.maxXMPBytes {
            printWarning(path: input, "XMP of \(xmp.count) bytes does not fit in JPEG; left out (use PNG output)")
            fitting.xmp = nil
        }
        return fitting
    }
}
