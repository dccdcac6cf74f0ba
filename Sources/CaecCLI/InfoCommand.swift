import ArgumentParser
import Caec
import CaecCore

/// `caec info`: what a `.cae` header says.
struct InfoCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a .cae file's header (model, quality, size) and metadata without decoding it."
    )

    @Argument(
        help: ArgumentHelp("A .cae file, or - for standard input.", valueName: "input"),
        completion: .file(extensions: ["cae"]))
    var input: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func execute() throws(CLIFailure) {
        let bytes = try FileInput.read(input)
        let info: CaecFileInfo
        do { info = try Caec.peek(bytes) } catch { throw CLIFailure(.badInput, path: input, error.message) }
        let metadata: CaecMetadata
        do {
            metadata = try Caec.metadata(
                bytes, limits: ImageLimits(maxWidth: 65536, maxHeight: 65536, maxPixels: 1 << 32))
        } catch { throw CLIFailure(.badInput, path: input, error.message) }
        let items = [("icc", metadata.iccProfile), ("exif", metadata.exif), ("xmp", metadata.xmp)].compactMap {
            name, data in data.map { (name, $0.count) }
        }
        let colour = metadata.isGray ? "gray" : "rgb"
        let bpp = Double(info.fileBytes * 8) / Double(info.width * info.height)
        let model = info.modelID ?? "unknown (code \(info.modelCode))"
        if json {
            print(
                "{\"version\": \"\(info.version.major).\(info.version.minor)\", \"model\": "
                    + (info.modelID.map { "\"\($0)\"" } ?? "null")
                    + ", \"model_code\": \(info.modelCode), \"quality\": \(info.quality), \"width\": \(info.width), "
                    + "\"height\": \(info.height), \"payload_bytes\": \(info.payloadBytes), "
                    + "\"file_bytes\": \(info.fileBytes), \"bpp\": \(NumberFormat.fixed(bpp, 4)), \"fingerprint\": \(info.fingerprint), "
                    + "\"colour\": \"\(colour)\", \"metadata\": {"
                    + items.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}}"
            )
        } else {
            print(
                """
                version      \(info.version.major).\(info.version.minor)
                model        \(model)
                quality      \(info.quality)
                size         \(info.width)x\(info.height)
                payload      \(info.payloadBytes) bytes
                file         \(info.fileBytes) bytes (\(NumberFormat.fixed(bpp, 3)) bpp)
                fingerprint  \(info.fingerprint)
                colour       \(colour)
                metadata     \(items.isEmpty ? "none" : items.map { "\($0.0.uppercased()) \($0.1) bytes" }.joined(separator: ", "))
                """)
        }
    }
}
