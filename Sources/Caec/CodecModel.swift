import CaecCore
import CaecFormat
import CaecModel
import CaecTensor

/// A model loaded for coding: a codec network of any family, its weights and its operating points.
package struct CodecModel: Sendable {
    package let network: any CodecNetwork
    package let parameters: Parameters
    /// The `codec.*` tensors the operating points come from.
    package let codec: CodecTensors
    package let operatingPoints: [OperatingPoint]
    /// `data_crc` of the weights file (Spec/model-weights.md §6).
    package let weightsCRC: UInt32
    package let modelCode: UInt8
    /// The conditional tables of a hyperprior model (`HyperpriorCoding`); nil for the other families.
    package let conditional: ConditionalTables?
    /// A task-aware codec's training classifier (its weights' `task_classifier`, such as `resnet9-cifar-task`) and
    /// the weight of its term (`task_beta`); nil for the other models.
    package let taskClassifier: (id: String, beta: Float)?
    /// The task term its latent search adds (`SearchTaskTerm`), once the classifier's weights are attached.
    package var taskTerm: SearchTaskTerm?

    package var id: String { network.id }
    /// How many times the latent is smaller than the image in width and height.
    package var rate: Int { network.rate }
    package var latentChannels: Int { network.latentChannels }
    /// Per-channel latent standard deviation the steps derive from.
    package var scales: [Float] { codec.scales }

    /// The latent of `input` (1, 3, H, W), H and W multiples of `rate`, computed in strips with the portable
    /// kernels: the same floats on every machine.
    package func latent(_ input: Tensor) -> Tensor {
        encoderStrips(width: input.shape[3]).run(input) { network.analysis($0, parameters) }
    }

    /// The latent of `input` for `quality` (1-based): `latent(_:)` unless the network has one analysis per quality
    /// (`CodecNetwork.latentDependsOnQuality`).
    package func latent(_ input: Tensor, quality: Int) -> Tensor {
        guard network.latentDependsOnQuality else { return latent(input) }
        return encoderStrips(width: input.shape[3]).run(input) { network.analysis($0, quality: quality, parameters) }
    }

    /// The symbols of `latent` (1, C, h, w) at `quality` (1-based), channel-major.
    package func symbols(_ latent: Tensor, quality: Int) -> [Int32] {
        symbols(latent, quality: ModelQuality(index: quality))
    }

    /// The symbols of `latent` (1, C, h, w) at `quality`, channel-major.
    ///
    /// - Precondition: `contains(quality)`.
    package func symbols(_ latent: Tensor, quality: ModelQuality) -> [Int32] {
        operatingPoint(quality).quantizer.quantize(latent.data, planeSize: latent.shape[2] * latent.shape[3])
    }

    /// Whether the network codes qualities between its trained ones (`ContinuousQualityCoding`).
    package var continuousQualities: Bool { network is any ContinuousQualityCoding }

    /// Whether `quality` is one this model codes: a trained quality, or, for a continuous family, a point between
    /// the lowest and the highest.
    package func contains(_ quality: ModelQuality) -> Bool {
        guard quality.index >= 1 else { return false }
        return quality.isInteger
            ? quality.index <= operatingPoints.count
            : continuousQualities && quality.index < operatingPoints.count
    }

    /// The operating point of `quality`: the stored one of a trained quality, or for a point between two the
    /// interpolated quantiser with the tables of `ContinuousQualityCoding.tablesQuality`.
    ///
    /// - Precondition: `contains(quality)`.
    package func operatingPoint(_ quality: ModelQuality) -> OperatingPoint {
        precondition(contains(quality), "CodecModel: quality \(quality) is not one of \(id)'s")
        guard !quality.isInteger, let continuous = network as? any ContinuousQualityCoding else {
            return operatingPoints[quality.index - 1]
        }
        return OperatingPoint(
            quality: quality.index, quantizer: continuous.quantizer(quality: quality, parameters),
            tables: operatingPoints[continuous.tablesQuality(quality) - 1].tables)
    }

    /// Whether the network's encoder can search for better symbols (`LatentRefining`).
    package var supportsRefinement: Bool { network is any LatentRefining }

    /// The network's refined symbols of `input` (1, 3, H, W) at `quality`, or the plain ones where it cannot
    /// refine. The search's random stream is seeded by the quality and the image's size, so one machine always
    /// gives the same symbols for the same input.
    ///
    /// - Precondition: `contains(quality)`.
    package func refinedSymbols(
        _ input: Tensor, width: Int, height: Int, latent: Tensor, quality: ModelQuality, iterations: Int,
        progress: (Int) -> Void
    ) -> RefinedSymbols {
        guard let refining = network as? any LatentRefining else {
            return RefinedSymbols(symbols: symbols(latent, quality: quality))
        }
        precondition(contains(quality), "CodecModel: quality \(quality) is not one of \(id)'s")
        // Sides are at most 2^16, so the fraction's 8 bits sit between the width's and the index's.
        let seed = UInt64(quality.index) << 48 ^ UInt64(quality.fraction) << 40 ^ UInt64(width) << 24 ^ UInt64(height)
        if let taskTerm, let model = network as? RateDistortionModel {
            return model.refinedSymbols(
                image: input, width: width, height: height, latent: latent, quality: quality, iterations: iterations,
                seed: seed, task: taskTerm, parameters, progress: progress)
        }
        return refining.refinedSymbols(
            image: input, width: width, height: height, latent: latent, quality: quality, iterations: iterations,
            seed: seed, parameters, progress: progress)
    }

    /// The reconstruction (1, 3, h x rate, w x rate) of `symbols` (1, C, h, w) at `quality`, in strips.
    package func reconstruction(symbols: [Int32], height h: Int, width w: Int, quality: Int) -> Tensor {
        reconstruction(symbols: symbols, height: h, width: w, quality: ModelQuality(index: quality))
    }

    /// The reconstruction (1, 3, h x rate, w x rate) of `symbols` (1, C, h, w) at `quality`, in strips.
    ///
    /// - Precondition: `contains(quality)`.
    package func reconstruction(symbols: [Int32], height h: Int, width w: Int, quality: ModelQuality) -> Tensor {
        precondition(contains(quality), "CodecModel: quality \(quality) is not one of \(id)'s")
        let input = Tensor(shape: [1, latentChannels, h, w], data: symbols.map(Float.init))
        guard !quality.isInteger, let continuous = network as? any ContinuousQualityCoding else {
            return decoderStrips(width: w).run(input) {
                network.synthesis($0, quality: quality.index, codec: codec, parameters)
            }
        }
        return decoderStrips(width: w).run(input) { continuous.synthesis($0, quality: quality, parameters) }
    }

    /// Loads a weights file carrying the codec's operating points (Spec/model-weights.md §7).
    package init(weights bytes: [UInt8]) throws(CaecError) {
        let file: WeightsFile
        do { file = try WeightsFile(parsing: bytes) } catch { throw CaecError(.invalidModel, error.description) }
        let found: (any CodecNetwork)?
        do { found = try ModelRegistry.codecNetwork(for: file) } catch {
            throw CaecError(.invalidModel, error.description)
        }
        guard let network = found else {
            throw CaecError(.invalidModel, "weights are for '\(file.modelID)', which is not a codec model")
        }
        guard let code = CAEConstants.modelCode(id: file.modelID) else {
            throw CaecError(.invalidModel, "model '\(file.modelID)' has no .cae model code")
        }
        let parameters: Parameters
        let codec: CodecTensors
        do {
            parameters = try Parameters(loading: file, modelID: file.modelID, specs: network.parameterSpecs)
        } catch { throw CaecError(.invalidModel, error.description) }
        do {
            codec = try CodecTensors(
                reading: file, channels: network.latentChannels, maxQualities: Int(CAEConstants.maxQuality))
        } catch { throw CaecError(.invalidModel, error.description) }
        let hyper = network as? any HyperpriorCoding
        var conditional: ConditionalTables?
        switch (hyper, codec.conditional) {
        case (nil, nil): break
        case (.some, nil): throw CaecError(.invalidModel, "weights lack the codec's conditional tables")
        case (nil, .some):
            throw CaecError(.invalidModel, "weights have conditional tables \(file.modelID) does not use")
        case (.some, .some(let stored)):
            conditional = ConditionalTables(
                bounds: stored.bounds,
                tables: try OperatingPoint.tables(stored.tables, count: stored.bounds.count, name: "codec conditional"))
        }
        var points: [OperatingPoint] = []
        for (index, stored) in codec.qualities.enumerated() {
            let tables = try OperatingPoint.tables(
                stored.tables, count: hyper?.hyperLatentChannels ?? network.latentChannels,
                name: "codec quality \(index + 1)")
            points.append(
                OperatingPoint(
                    quality: index + 1, quantizer: network.quantizer(quality: index + 1, codec: codec, parameters),
                    tables: tables))
        }
        var reader = ByteReader(bytes, offset: bytes.count - 4)
        self.network = network
        self.parameters = parameters
        self.codec = codec
        self.operatingPoints = points
        self.weightsCRC = (try? reader.readUInt32()) ?? 0
        self.modelCode = code
        self.conditional = conditional
        if let id = file.metadata("task_classifier"), let beta = file.metadata("task_beta").flatMap(Float.init),
            beta > 0, beta.isFinite
        {
            self.taskClassifier = (id, beta)
        } else {
            self.taskClassifier = nil
        }
        self.taskTerm = nil
    }

    /// Attaches the training classifier named by `taskClassifier` from its weights file `bytes`.
    ///
    /// - Throws: `CaecError` `.invalidArgument` when this model has no task classifier, `.invalidModel` when
    ///   `bytes` are not a weights file of that classifier.
    package mutating func attachTaskClassifier(weights bytes: [UInt8]) throws(CaecError) {
        guard let (id, beta) = taskClassifier else {
            throw CaecError(.invalidArgument, "\(self.id) has no task classifier")
        }
        do {
            let file = try WeightsFile(parsing: bytes)
            guard file.modelID == id else {
                throw CaecError(.invalidModel, "holds the weights of '\(file.modelID)', not '\(id)'")
            }
            taskTerm = SearchTaskTerm(term: try ClassifierTaskTerm(classifierID: id, file: file), beta: beta)
        } catch let error as CaecError {
            throw error
        } catch {
            throw CaecError(.invalidModel, "\(error)")
        }
    }

    /// A strip's widest intermediate tensor stays under this many floats (128 MiB).
    package static let stripBudget = 1 << 25

    /// Strips of the encoder, aligned to the rate, with the family's halo.
    package func encoderStrips(width: Int) -> StripRunner {
        StripRunner(
            scale: (1, rate), halo: network.analysisHalo, inputAlign: rate,
            channelsPerRow: max(network.widestActivation, 3) * width, budgetElements: Self.stripBudget)
    }

    /// Strips of the decoder, in latent rows, with the family's halo.
    package func decoderStrips(width: Int) -> StripRunner {
        StripRunner(
            scale: (rate, 1), halo: network.synthesisHalo, inputAlign: 1,
            channelsPerRow: max(network.widestActivation, 3) * width * rate * rate, budgetElements: Self.stripBudget)
    }

    /// Spec/cae-format.md §7: low 16 bits of CRC-32(data_crc as u32 LE, quality byte).
    package func fingerprint(quality: Int) -> UInt16 {
        Self.fingerprint(weightsCRC: weightsCRC, quality: ModelQuality(index: quality))
    }

    /// Spec/cae-format.md §7: low 16 bits of CRC-32(data_crc as u32 LE, quality index byte, and the
    /// quality_fraction byte when the fraction is not 0).
    package func fingerprint(quality: ModelQuality) -> UInt16 {
        Self.fingerprint(weightsCRC: weightsCRC, quality: quality)
    }

    /// The fingerprint of `quality` for weights whose `data_crc` is `weightsCRC` (Spec/cae-format.md §7).
    package static func fingerprint(weightsCRC: UInt32, quality: ModelQuality) -> UInt16 {
        var writer = ByteWriter(capacity: 6)
        writer.write(weightsCRC)
        writer.write(UInt8(quality.index))
        if !quality.isInteger { writer.write(UInt8(quality.fraction)) }
        return UInt16(truncatingIfNeeded: CRC32.checksum(writer.bytes))
    }
}
