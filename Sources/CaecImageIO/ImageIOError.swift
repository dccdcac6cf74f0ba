import CaecCore

/// Why an image could not be read or written.
///
/// Every case carries what is needed to say so in one line; `description` is that line, lower case, without the
/// file name (the CLI prints `caec: error: <path>: <description>`).
public enum ImageIOError: Error, Equatable, CustomStringConvertible {
    /// The input has no bytes at all.
    case empty
    /// The input starts with neither the PNG nor the JPEG signature.
    case notAnImage
    /// The data ends before the image does. `recoverable`: a lenient read (`ImageReadOptions.lenient`, the
    /// CLI's `--lenient`) returns an image anyway.
    case truncated(format: ImageFormat, recoverable: Bool = false)
    /// The data is malformed; `detail` is the library's own wording (bad CRC, bad Huffman code, a libjpeg
    /// damaged-data warning in strict mode, ...). `recoverable`: a lenient read returns an image anyway.
    case corrupt(format: ImageFormat, detail: String, recoverable: Bool = false)
    /// The file uses a coding process the decoder does not implement, such as `12-bit precision`,
    /// `lossless (SOF3)` or `hierarchical (SOF5)`: the data may well be valid.
    case unsupportedProcess(format: ImageFormat, process: String)
    /// The header declares a size over the reader's limits; nothing was allocated for it.
    case tooLarge(width: Int, height: Int, limits: ImageLimits)
    /// The image uses a colour space caec does not convert to RGB, such as a JPEG of `2 components`.
    case unsupportedColorSpace(String)
    /// A buffer could not be allocated; `detail` says which.
    case outOfMemory(detail: String)
    /// libpng or libjpeg refused to encode; `detail` is its message.
    case encodingFailed(String)

    /// One line, lower case, e.g. `truncated PNG data`.
    public var description: String {
        switch self {
        case .empty:
            "empty input (0 bytes)"
        case .notAnImage:
            "not a PNG or JPEG image (unrecognised signature)"
        case .truncated(let format, let recoverable):
            "truncated \(format) data" + (recoverable ? Self.lenientHint : "")
        case .corrupt(let format, let detail, let recoverable):
            "corrupt \(format) data: \(detail)" + (recoverable ? Self.lenientHint : "")
        case .unsupportedProcess(let format, let process):
            "unsupported \(format) process: \(process)"
        case .tooLarge(let width, let height, let limits):
            width > limits.maxWidth || height > limits.maxHeight
                ? "image is \(width)x\(height), over the limit of \(limits.maxWidth)x\(limits.maxHeight) (see --max-side)"
                : "image is \(width)x\(height) = \(width * height) pixels, over the limit of \(limits.maxPixels) pixels "
                    + "(see --max-pixels)"
        case .unsupportedColorSpace(let name):
            "unsupported colour space (\(name))"
        case .outOfMemory(let detail):
            "out of memory: \(detail)"
        case .encodingFailed(let detail):
            "cannot encode image: \(detail)"
        }
    }

    /// Appended to recoverable damage: what the user can do about it.
    static let lenientHint = " (--lenient decodes it anyway)"
}
