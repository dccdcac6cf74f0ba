import CaecCore
import CaecEntropy
import CaecFormat
import CaecModel
import CaecTensor

/// A model loaded for coding: the network, its weights and its operating points.
package struct CodecModel: Sendable {
    /// The two model families the codec runs.
    package enum Network: Sendable {
        /// The paper's autoencoders: symbols = round(latent / step), latent' = symbols x step.
        case autoencoder(Autoencoder)
        /// Rate-distortion models: symbols = round(latent x gain.analysis[q]); the synthesis multiplies by
        /// gain.synthesis[q] (Spec/model-weights.md §7.1).
        case rateDistortion(RateDistortionModel)
    }

    package let network: Network
    package let parameters: Parameters
    package let operatingPoints: [OperatingPoint]
    /// Per-channel latent standard deviation the steps derive from.
    package let scales: [Float]
    /// `data_crc` of the weights file (Spec/model-weights.md §6).
    package let weightsCRC: UInt32
    package let modelCode: UInt8

    package var id: String {
        switch network {
        case .autoencoder(let model): model.id
        case .rateDistortion(let model): model.id
        }
    }

    /// How many times the latent is smaller than the image in width and height.
    package var rate: Int {
        switch network {
        case .autoencoder(let model): model.rate
        case .rateDistortion: RateDistortionModel.rate
        }
    }

    package var latentChannels: Int {
        switch network {
        case .autoencoder(let model): model.latentChannels
        case .rateDistortion(let model): model.m
        }
    }

    /// The paper's autoencoder, if this is one (tests and tools use it directly).
    package var autoencoder: Autoencoder? {
        if case .autoencoder(let model) = network { return model }
        return nil
    }

    /// The latent of `input` (1, 3, H, W), H and W multiples of `rate`, computed in strips with the portable
    /// kernels: the same floats on every machine.
    package func latent(_ input: Tensor) -> Tensor {
        switch network {
        case .autoencoder(let model):
            encoderStrips(width: input.shape[3], widest: model.channels.max()!).run(input) {
                model.encode($0, parameters)
            }
        case .rateDistortion(let model):
            encoderStrips(width: input.shape[3], widest: model.n / 4).run(input) {
                model.analysis.forward($0, parameters)
            }
        }
    }

    /// The symbols of `latent` (1, C, h, w) at `quality` (1-based), channel-major.
    package func symbols(_ latent: Tensor, quality: Int) -> [Int32] {
        let planeSize = latent.shape[2] * latent.shape[3]
        switch network {
        case .autoencoder:
            return operatingPoints[quality - 1].quantize(latent.data, planeSize: planeSize)
        case .rateDistortion:
            let gains = parameters.tensor("gain.analysis")
            var symbols = [Int32](repeating: 0, count: latent.count)
            for c in 0..<latentChannels {
                let gain = gains.data[(quality - 1) * latentChannels + c]
                for i in c * planeSize..<(c + 1) * planeSize {
                    let q = (latent.data[i] * gain).rounded(.toNearestOrEven)
                    symbols[i] = q.isNaN ? 0 : Int32(max(-1_073_741_824, min(1_073_741_824, q)))
                }
            }
            return symbols
        }
    }

    /// The reconstruction (1, 3, h x rate, w x rate) of `symbols` (1, C, h, w as floats) at `quality`, in strips.
    package func reconstruction(symbols: [Int32], height h: Int, width w: Int, quality: Int) -> Tensor {
        switch network {
        case .autoencoder(let model):
            let point = operatingPoints[quality - 1]
            let latent = Tensor(
                shape: [1, latentChannels, h, w], data: point.dequantize(symbols, planeSize: h * w))
            return decoderStrips(width: w, widest: model.channels.max()!).run(latent) { model.decode($0, parameters) }
        case .rateDistortion(let model):
            let latent = Tensor(shape: [1, latentChannels, h, w], data: symbols.map(Float.init))
            return decoderStrips(width: w, widest: model.n / 4).run(latent) {
                model.decode($0, quality: quality - 1, parameters)
            }
        }
    }

    /// Loads a weights file carrying the codec's operating points (Spec/model-weights.md §7).
    package init(weights bytes: [UInt8]) throws(CaecError) {
        let file: WeightsFile
        do { file = try WeightsFile(parsing: bytes) } catch { throw CaecError(.invalidModel, error.description) }
        let network: Network
        let specs: [ParameterSpec]
        if let model = ModelRegistry.autoencoder(file.modelID, encoderPath: .portable) {
            network = .autoencoder(model)
            specs = model.parameterSpecs
        } else if let model = ModelRegistry.rateDistortion(file.modelID, analysisPath: .portable) {
            network = .rateDistortion(model)
            specs = model.parameterSpecs
        } else {
            throw CaecError(.invalidModel, "weights are for '\(file.modelID)', which is not a codec model")
        }
        guard let code = CAEConstants.modelCode(id: file.modelID) else {
            throw CaecError(.invalidModel, "model '\(file.modelID)' has no .cae model code")
        }
        let parameters: Parameters
        do {
            parameters = try Parameters(loading: file, modelID: file.modelID, specs: specs)
        } catch { throw CaecError(.invalidModel, error.description) }
        let channels: Int
        switch network {
        case .autoencoder(let model): channels = model.latentChannels
        case .rateDistortion(let model): channels = model.m
        }
        var byName: [String: NamedTensor] = [:]
        for tensor in file.tensors where tensor.name.hasPrefix(codecPrefix) { byName[tensor.name] = tensor }
        guard case .float32(let scales)? = byName["codec.scale"]?.storage, scales.count == channels else {
            throw CaecError(.invalidModel, "weights lack the codec's latent scales (run `caec calibrate`)")
        }
        var points: [OperatingPoint] = []
        var quality = 1
        while let stepTensor = byName["codec.q\(quality).step"] {
            guard case .float32(let steps) = stepTensor.storage, steps.count == channels,
                steps.allSatisfy({ $0.isFinite && $0 != 0 }),
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
        self.network = network
        self.parameters = parameters
        self.operatingPoints = points
        self.scales = scales
        self.weightsCRC = (try? reader.readUInt32()) ?? 0
        self.modelCode = code
    }

    /// A strip's widest intermediate tensor stays under this many floats (128 MiB).
    package static let stripBudget = 1 << 25

    /// Strips of the encoder, aligned to the rate. A halo of two rates covers the receptive field of both families:
    /// k 3x3 convolutions at scales 1 ... 2^(k-1) reach 2^k - 1 pixels; four 5x5 stride-2 convolutions reach 30.
    /// `widest` is the channel count of the widest activation at full resolution (first layer's channels, scaled).
    package func encoderStrips(width: Int, widest: Int) -> StripRunner {
        StripRunner(
            scale: (1, rate), halo: 2 * rate, inputAlign: rate, channelsPerRow: max(widest, 3) * width,
            budgetElements: Self.stripBudget)
    }

    /// Strips of the decoder, in latent rows: 3x3 convolutions reach less than 3 latent rows in all, four 5x5
    /// stride-2 transposed convolutions less than 3; 4 are read.
    package func decoderStrips(width: Int, widest: Int) -> StripRunner {
        StripRunner(
            scale: (rate, 1), halo: 4, inputAlign: 1, channelsPerRow: max(widest, 3) * width * rate * rate,
            budgetElements: Self.stripBudget)
    }

    /// Spec/cae-format.md §7: low 16 bits of CRC-32(data_crc as u32 LE, quality byte).
    package func fingerprint(quality: Int) -> UInt16 {
        var writer = ByteWriter(capacity: 5)
        writer.write(weightsCRC)
        writer.write(UInt8(quality))
        return UInt16(truncatingIfNeeded: CRC32.checksum(writer.bytes))
    }
}
