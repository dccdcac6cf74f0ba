import Caec
import CaecCore
import CaecEntropy
import CaecFormat
import CaecModel

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
}
