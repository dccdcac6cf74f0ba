import Caec
import CaecCore
import CaecEntropy
import CaecFormat
import CaecModel
import CaecTrain

/// The functions the libFuzzer targets drive, shared with the tests that replay the corpus and crashers.
/// Each takes arbitrary bytes and must return (throwing inside is fine); a trap or a hang is a finding.
package enum FuzzTargets {
    /// Limits that keep a fuzzed header from asking for a huge decode (the checks themselves are what is tested).
    static let limits = ImageLimits(maxWidth: 4096, maxHeight: 4096, maxPixels: 1 << 20)

    /// Raw bytes as a whole `.cae` file: header peek, container read, full decode with `codec`.
    package static func container(_ bytes: [UInt8], codec: CaecCodec) {
        _ = try? Caec.peek(bytes)
        _ = try? CAEReader.read(bytes, limits: limits)
        _ = try? codec.decode(bytes, limits: limits)
    }

    /// Bytes as a payload: the first two bytes choose the image size (1...256 each side) and the quality, the rest
    /// is wrapped in a valid container (correct fingerprint and CRCs) so that the rANS decoder and the model's
    /// decode path see it. For a model with continuous qualities below its top one, an odd first byte adds half a
    /// quality (a version 1.2 header with `quality_fraction` 128). The same bytes are also parsed as a frequency
    /// table.
    package static func payload(_ bytes: [UInt8], codec: CaecCodec) {
        _ = try? FrequencyTable.parsePrefix(of: bytes[...])
        guard bytes.count >= 2 else { return }
        let width = Int(bytes[0]) + 1
        let height = Int(bytes[1] & 0x3F) + 1
        let quality = Int(bytes[1] >> 6) % codec.qualities.count + 1
        let fraction = codec.continuousQualities && quality < codec.qualities.upperBound ? Int(bytes[0] & 1) * 128 : 0
        let point = ModelQuality(index: quality, fraction: fraction)
        let header = CAEHeader(
            modelCode: codec.model.modelCode, quality: UInt8(quality),
            fingerprint: codec.model.fingerprint(quality: point),
            width: width, height: height, payloadLength: 0, qualityFraction: UInt8(fraction))
        let file = CAEWriter.file(header: header, payload: Array(bytes.dropFirst(2)))
        _ = try? codec.decode(file, limits: limits)
    }

    /// Raw bytes as a model file, both ways caec reads one: as a `.caew` weights file loaded as a codec (imported
    /// CompressAI models declare their widths in metadata, so a small file must not make it allocate a large
    /// network), and as a safetensors interchange file, parsed and, when it parses, imported as each CompressAI
    /// architecture and as a caec model; each import that succeeds is loaded as a codec, exported again, and used
    /// to encode and decode a 16x16 image at its first quality.
    ///
    /// - Returns: the stages the bytes got through, for tests that check the seeds reach them: `codec` (loaded as
    ///   a `.caew`), `safetensors` (parsed), `import <arch>`, `codec <arch>`, `round trip <arch>`.
    @discardableResult
    package static func weights(_ bytes: [UInt8]) -> [String] {
        var stages: [String] = []
        if let codec = try? CaecCodec(weights: bytes) {
            stages.append("codec")
            if roundTrip(codec) { stages.append("round trip") }
        }
        guard let source = try? ModelImport.Source(path: "fuzz", bytes: bytes) else { return stages }
        stages.append("safetensors")
        var imported: [WeightsFile] = []
        for family in CompressAIArchitecture.Family.allCases {
            if let file = try? ModelImport.compressAI([source], family: family) { imported.append(file) }
        }
        if let file = try? ModelImport.caecModel(source) { imported.append(file) }
        for file in imported {
            stages.append("import \(file.modelID)")
            _ = try? ModelExport.safeTensors(file)
            guard let codec = try? CaecCodec(weights: file.serialized()) else { continue }
            stages.append("codec \(file.modelID)")
            if roundTrip(codec) { stages.append("round trip \(file.modelID)") }
        }
        return stages
    }

    /// Encodes a 16x16 gradient at the codec's first quality and decodes it (weights from a fuzzed file may make
    /// the transforms overflow; the quantiser and the entropy coder must cope); true when both succeed.
    private static func roundTrip(_ codec: CaecCodec) -> Bool {
        var pixels = [UInt8](repeating: 0, count: 16 * 16 * 3)
        for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: i &* 7) }
        let image = RGBImage(width: 16, height: 16, pixels: pixels)
        guard let file = try? codec.encode(image, quality: codec.qualities.lowerBound) else { return false }
        return (try? codec.decode(file, limits: limits)) != nil
    }
}
