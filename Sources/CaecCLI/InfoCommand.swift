import ArgumentParser
import Caec
import CaecCore

/// `caec info`: what a `.cae` header says.
struct InfoCommand: FailableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract:
            "Show a .cae file's header (model, quality, size) and metadata without decoding it; a damaged file exits 65."
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
        // The header is printed even when the rest of the file is damaged (truncated payload, bad CRC), with a
        // `damage` line instead of the metadata (which the reader did not reach, or could not read), and the damage
        // is then reported as an error with decode's status (65), so that `info` can check a file.
        var metadata = CaecMetadata(isGray: info.colourCode == 1)
        var damage: String?
        do {
            metadata = try Caec.metadata(
                bytes, limits: ImageLimits(maxWidth: 65536, maxHeight: 65536, maxPixels: 1 << 32))
        } catch { damage = error.message }
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
                    + ", \"model_code\": \(info.modelCode), \"quality\": \(info.exactQuality), \"width\": \(info.width), "
                    + "\"height\": \(info.height), \"payload_bytes\": \(info.payloadBytes), "
                    + "\"file_bytes\": \(info.fileBytes), \"bpp\": \(NumberFormat.fixed(bpp, 4)), \"fingerprint\": \(info.fingerprint), "
                    + "\"colour\": \"\(colour)\", \"metadata\": "
                    + (damage == nil
                        ? "{" + items.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}" : "null")
                    + (damage.map { ", \"damage\": \"\(jsonEscaped($0))\"" } ?? "") + "}"
            )
        } else {
            print(
                """
                version      \(info.version.major).\(info.version.minor)
                model        \(model)
                quality      \(info.exactQuality)
                size         \(info.width)x\(info.height)
                payload      \(info.payloadBytes) bytes
                file         \(info.fileBytes) bytes (\(NumberFormat.fixed(bpp, 3)) bpp)
                fingerprint  \(info.fingerprint)
                colour       \(colour)
                \(damage.map { "damage       \($0)" } ?? "metadata     " + (items.isEmpty ? "none" : items.map { "\($0.0.uppercased()) \($0.1) bytes" }.joined(separator: ", ")))
                """)
        }
        if let damage { throw CLIFailure(.badInput, path: input, damage) }
    }
}

/// `text` with JSON's required escapes.
private func jsonEscaped(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20: out += "\\u00" + String(scalar.value, radix: 16).leftPadded(to: 2)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
