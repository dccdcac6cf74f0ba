import CaecCore
import CaecEntropy
import CaecFormat
import CaecModel
import CaecTensor

/// A model loaded for coding: the autoencoder, its weights and its operating points.
package struct CodecModel: Sendable {
    package let autoencoder: Autoencoder
    package let parameters: Parameters
    package let operatingPoints: [OperatingPoint]
    /// Per-channel latent standard deviation the steps derive from.
    package let scales: [Float]
    /// `data_crc` of the weights file (Spec/model-weights.md §6).
    package let weightsCRC: UInt32
    package let modelCode: UInt8

    package var id: String { autoencoder.id }
    package var rate: Int { autoencoder.rate }

    /// Loads a weights file carrying the codec's operating points (Spec/model-weights.md §7).
    package init(weights bytes: [UInt8]) throws(CaecError) {
        let file: WeightsFile
        do { file = try WeightsFile(parsing: bytes) } catch { throw CaecError(.invalidModel, error.description) }
        guard let autoencoder = ModelRegistry.autoencoder(file.modelID, encoderPath: .portable) else {
            throw CaecError(.invalidModel, "weights are for '\(file.modelID)', which is not a codec model")
        }
        guard let code = CAEConstants.modelCode(id: file.modelID) else {
            throw CaecError(.invalidModel, "model '\(file.modelID)' has no .cae model code")
        }
        let parameters: Parameters
        do {
            parameters = try Parameters(loading: file, modelID: file.modelID, specs: autoencoder.parameterSpecs)
        } catch { throw CaecError(.invalidModel, error.description) }
        let channels = autoencoder.latentChannels
        var byName: [String: NamedTensor] = [:]
        for tensor in file.tensors where tensor.name.hasPrefix(codecPrefix) { byName[tensor.name] = tensor }
        guard case .float32(let scales)? = byName["codec.scale"]?.storage, scales.count == channels else {
            throw CaecError(.invalidModel, "weights lack the codec's latent scales (run `caec calibrate`)")
        }
        var points: [OperatingPoint] = []
        var quality = 1
        while let stepTensor = byName["codec.q\(quality).step"] {
            guard case .float32(let steps) = stepTensor.storage, steps.count == channels,
                steps.allSatisfy({ $0.isFinite && $0 > 0 }),
                case .uint8(let tableBytes)? = byName["codec.q\(quality).tables"]?.storage
            else { throw CaecError(.invalidModel, "codec quality \(quality) is malformed") }
            var tables: [FrequencyTable] = []
            var rest = tableBytes[...]
            do {
                for _ in 0..<channels {
                    let (table, used) = try FrequencyTable.parsePrefix(of: rest)
                    tables.append(table)
                    rest = rest.dropFirst(used)
                }
            } catch { throw CaecError(.invalidModel, "codec quality \(quality) tables: \(error.description)") }
            guard rest.isEmpty else { throw CaecError(.invalidModel, "codec quality \(quality) has extra table bytes") }
            points.append(OperatingPoint(quality: quality, steps: steps, tables: tables))
            quality += 1
        }
        guard !points.isEmpty, quality <= Int(CAEConstants.maxQuality) + 1 else {
            throw CaecError(.invalidModel, "weights have no codec operating points (run `caec calibrate`)")
        }
        guard byName.count == 1 + 2 * points.count else {
            throw CaecError(.invalidModel, "weights have codec tensors beyond quality \(points.count)")
        }
        var reader = ByteReader(bytes, offset: bytes.count - 4)
        self.autoencoder = autoencoder
        self.parameters = parameters
        self.operatingPoints = points
        self.scales = scales
        self.weightsCRC = (try? reader.readUInt32()) ?? 0
        self.modelCode = code
    }

    /// Floats per input row of the widest tensor inside the encoder (the first convolution's output) and decoder
    /// (the last upsampled activation), for sizing strips.
    package static let stripBudget = 1 << 25

    /// Strips of the encoder: aligned to the rate; the halo of one rate covers the receptive field of k 3x3 convolutions
    /// at scales 1, 2, ... 2^(k-1) (radius 2^k - 1 pixels).
    package func encoderStrips(width: Int) -> StripRunner {
        StripRunner(
            scale: (1, rate), halo: rate, inputAlign: rate, channelsPerRow: autoencoder.channels.max()! * width,
            budgetElements: Self.stripBudget)
    }

    /// Strips of the decoder, in latent rows: each 3x3 convolution reaches at most 1 row at its scale, together
    /// less than 3 latent rows; 4 are read.
    package func decoderStrips(width: Int) -> StripRunner {
        StripRunner(
            scale: (rate, 1), halo: 4, inputAlign: 1,
            channelsPerRow: autoencoder.channels.max()! * width * rate * rate, budgetElements: Self.stripBudget)
    }

    /// Spec/cae-format.md §7: low 16 bits of CRC-32(data_crc as u32 LE, quality byte).
    package func fingerprint(quality: Int) -> UInt16 {
        var writer = ByteWriter(capacity: 5)
        writer.write(weightsCRC)
        writer.write(UInt8(quality))
        return UInt16(truncatingIfNeeded: CRC32.checksum(writer.bytes))
    }
}
