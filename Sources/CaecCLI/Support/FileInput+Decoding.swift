import CaecCore
import CaecImageIO
import CaecModel

extension FileInput {
    /// The image in PNG or JPEG file `path` (default read options).
    ///
    /// - Throws: `CLIFailure` from `read(_:)`, or `.badInput` naming `path` when the bytes are not an image.
    static func readImage(_ path: String) throws(CLIFailure) -> RGBImage {
        let bytes = try read(path)
        do { return try ImageReader.read(bytes) } catch { throw CLIFailure(.badInput, path: path, "\(error)") }
    }

    /// The weights file (or checkpoint) at `path`.
    ///
    /// - Throws: `CLIFailure` from `read(_:)`, or `.model` (78) naming `path` when it is not a valid weights file.
    static func readWeights(_ path: String) throws(CLIFailure) -> WeightsFile {
        let bytes = try read(path)
        do throws(WeightsError) { return try WeightsFile(parsing: bytes) } catch {
            throw CLIFailure(.model, path: path, error.description)
        }
    }
}
