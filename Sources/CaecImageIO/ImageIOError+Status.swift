import CCaecImageIO
import CaecCore

extension ImageIOError {
    /// The error for a failed `caec_*` read, or `nil` for `CAEC_IMAGEIO_OK`.
    init?(readStatus status: Int32, format: ImageFormat, decoded: caec_decoded_image, limits: ImageLimits) {
        let message = Self.string(fromMessage: decoded.message)
        switch caec_imageio_status(rawValue: UInt32(bitPattern: status)) {
        case CAEC_IMAGEIO_OK:
            return nil
        case CAEC_IMAGEIO_TRUNCATED:
            self = .truncated(format: format, recoverable: decoded.recoverable != 0)
        case CAEC_IMAGEIO_TOO_LARGE:
            self = .tooLarge(
                width: Int(clamping: decoded.width), height: Int(clamping: decoded.height), limits: limits)
        case CAEC_IMAGEIO_UNSUPPORTED_COLOR_SPACE:
            self = .unsupportedColorSpace(message)
        case CAEC_IMAGEIO_UNSUPPORTED_PROCESS:
            self = .unsupportedProcess(format: format, process: message)
        case CAEC_IMAGEIO_OUT_OF_MEMORY:
            self = .outOfMemory(detail: message)
        default:
            // libjpeg words its corruption warnings "Corrupt JPEG data: <what>"; the case already says that.
            let prefix = "Corrupt JPEG data: "
            let detail = message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message
            self = .corrupt(format: format, detail: detail, recoverable: decoded.recoverable != 0)
        }
    }

    /// The error for a failed `caec_*` write, or `nil` for `CAEC_IMAGEIO_OK`.
    init?(writeStatus status: Int32, encoded: caec_encoded_data) {
        guard status != Int32(bitPattern: CAEC_IMAGEIO_OK.rawValue) else { return nil }
        self = .encodingFailed(Self.string(fromMessage: encoded.message))
    }

    /// The warnings of a successful read, in order; when the shim kept fewer texts than it counted, a last line
    /// says how many more there were.
    static func warnings(of decoded: caec_decoded_image) -> [String] {
        let size = Int(CAEC_IMAGEIO_MESSAGE_SIZE)
        let kept = min(Int(decoded.warning_count), Int(CAEC_IMAGEIO_MAX_WARNINGS))
        var texts: [String] = withUnsafeBytes(of: decoded.warnings) { raw in
            (0..<kept).map { index in
                let text = raw[(index * size)..<(index * size + size)].prefix { $0 != 0 }
                return String(decoding: text, as: UTF8.self)
            }
        }
        let more = Int(decoded.warning_count) - kept
        if more > 0 { texts.append("\(more) more warning\(more == 1 ? "" : "s") not shown") }
        return texts
    }

    /// The NUL-terminated text of a shim's fixed `char message[256]`.
    static func string<Message>(fromMessage message: Message) -> String {
        withUnsafeBytes(of: message) { raw in
            let text = raw.prefix { $0 != 0 }
            return String(decoding: text, as: UTF8.self)
        }
    }
}
