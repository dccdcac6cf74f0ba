import ArgumentParser
import Caec
import CaecCore
import CaecImageIO

/// Options that control how PNG and JPEG inputs are read.
struct ImageInputOptions: ParsableArguments {
    @Option(help: "Refuse images with more pixels than this, checked before decoding.")
    var maxPixels: Int = ImageLimits.default.maxPixels

    @Option(help: "Refuse images wider or taller than this many pixels.")
    var maxSide: Int = ImageLimits.default.maxWidth

    @Option(
        help: ArgumentHelp(
            "Colour that transparent pixels are composited over, as RRGGBB hex.",
            valueName: "RRGGBB"))
    var background: String = "ffffff"

    @Flag(
        help: ArgumentHelp(
            "Decode damaged PNG and JPEG files (truncated or corrupt data) instead of failing.",
            discussion: "Every problem it lets through is printed as a 'caec: warning:' line."))
    var lenient = false

    func validate() throws {
        guard maxPixels > 0, maxSide > 0 else { throw ValidationError("--max-pixels and --max-side must be positive") }
        guard parsedBackground != nil else { throw ValidationError("--background must be six hex digits, like ffffff") }
    }

    private var parsedBackground: (UInt8, UInt8, UInt8)? {
        guard background.count == 6, let value = UInt32(background, radix: 16) else { return nil }
        return (UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
    }

    var readOptions: ImageReadOptions {
        var options = ImageReadOptions()
        options.limits = ImageLimits(maxWidth: maxSide, maxHeight: maxSide, maxPixels: maxPixels)
        let rgb = parsedBackground ?? (255, 255, 255)
        options.background = .init(red: rgb.0, green: rgb.1, blue: rgb.2)
        options.lenient = lenient
        return options
    }

    /// Reads and decodes the PNG or JPEG at `path` (`-` for standard input), printing each decoder warning as
    /// `caec: warning: <path>: <message>`.
    func readImage(_ path: String) throws(CLIFailure) -> RGBImage {
        try Self.read(path, options: readOptions).image
    }

    /// Reads as `readImage`, with the file's metadata (ICC profile, EXIF with orientation reset, XMP, gray).
    func readDecoded(_ path: String) throws(CLIFailure) -> DecodedImage {
        try Self.read(path, options: readOptions)
    }
}

extension ImageInputOptions {
    /// Reads an image with the default options (warnings printed as by `readImage`).
    static func readDefault(_ path: String) throws(CLIFailure) -> RGBImage {
        try read(path, options: ImageReadOptions()).image
    }

    private static func read(_ path: String, options: ImageReadOptions) throws(CLIFailure) -> DecodedImage {
        let bytes = try FileInput.read(path)
        let decoded: DecodedImage
        do {
            decoded = try ImageReader.decode(bytes, options: options)
        } catch {
            if case .outOfMemory = error { throw CLIFailure(.internalError, path: path, error.description) }
            throw CLIFailure(.badInput, path: path, error.description)
        }
        for warning in decoded.warnings { printWarning(path: path, warning) }
        return decoded
    }
}

extension ImageMetadata {
    /// The metadata a `.cae` file stored, for a PNG or JPEG writer.
    init(_ metadata: CaecMetadata) {
        self.init(iccProfile: metadata.iccProfile, exif: metadata.exif, xmp: metadata.xmp, isGray: metadata.isGray)
    }

    /// What `caec convert` writes of a read file: everything, or with `strip` only the gray flag.
    init(keeping metadata: ImageMetadata, strip: Bool) {
        self = strip ? ImageMetadata(isGray: metadata.isGray) : metadata
    }

    /// This metadata without the EXIF or XMP that one JPEG APP1 segment cannot hold (64 KiB), each left out with a
    /// warning naming `warningPath`: PNG output keeps them whatever their size.
    func fittingJPEG(warningPath: String) -> ImageMetadata {
        var fitting = self
        if let exif, exif.count > JPEGWriter.maxEXIFBytes {
            printWarning(
                path: warningPath, "EXIF of \(exif.count) bytes does not fit in JPEG; left out (use PNG output)")
            fitting.exif = nil
        }
        if let xmp, xmp.count > JPEGWriter.maxXMPBytes {
            printWarning(path: warningPath, "XMP of \(xmp.count) bytes does not fit in JPEG; left out (use PNG output)")
            fitting.xmp = nil
        }
        return fitting
    }
}

extension CaecMetadata {
    /// What `caec encode` keeps of a read file: everything, or with `strip` only the gray flag (gray stays gray).
    init(_ metadata: ImageMetadata, strip: Bool) {
        self.init(
            iccProfile: strip ? nil : metadata.iccProfile, exif: strip ? nil : metadata.exif,
            xmp: strip ? nil : metadata.xmp, isGray: metadata.isGray)
    }
}
