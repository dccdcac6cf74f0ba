/// The codec's operating points as stored in a weights file (Spec/model-weights.md §7): the one place that names,
/// reads and writes the `codec.*` tensors.
///
/// `codec.scale` (f32, C) is the per-channel latent spread the steps derive from; each quality q = 1, 2, ... has
/// `codec.q<q>.step` (f32, C), the encoder's quantisation step per channel, and `codec.q<q>.tables` (u8), the C
/// serialised frequency tables one after another. The tables stay bytes here: the entropy coder parses them.
/// A hyperprior model (Spec/model-weights.md §7.2) also has `codec.gaussian.bounds` (f32, S), the ascending decision
/// bounds of its conditional tables, and `codec.gaussian.tables` (u8), their S serialised tables; its per-quality tables
/// code the hyper-latent, so there are as many as it has channels.
package struct CodecTensors: Equatable, Sendable {
    /// The shared tables of a conditional entropy model: an element whose predicted scale is at most `bounds[i]`
    /// (and above `bounds[i - 1]`) is coded with table i.
    package struct Conditional: Equatable, Sendable {
        package var bounds: [Float]
        package var tables: [UInt8]

        package init(bounds: [Float], tables: [UInt8]) {
            self.bounds = bounds
            self.tables = tables
        }
    }

    /// One quality's step per channel and its tables' bytes.
    package struct Quality: Equatable, Sendable {
        package var steps: [Float]
        package var tables: [UInt8]

        package init(steps: [Float], tables: [UInt8]) {
            self.steps = steps
            self.tables = tables
        }
    }

    /// Tensors under this prefix hold the codec's operating points, not model parameters.
    package static let prefix = "codec."

    package var scales: [Float]
    /// Element q - 1 is quality q.
    package var qualities: [Quality]
    /// The conditional tables of a hyperprior model; nil for the other families.
    package var conditional: Conditional?

    package init(scales: [Float], qualities: [Quality], conditional: Conditional? = nil) {
        precondition(qualities.allSatisfy { $0.steps.count == scales.count }, "CodecTensors: one step per channel")
        self.scales = scales
        self.qualities = qualities
        self.conditional = conditional
    }

    /// Whether `name` is one of the codec's tensors.
    package static func isCodecTensor(_ name: String) -> Bool { name.hasPrefix(prefix) }

    static func scaleName() -> String { prefix + "scale" }
    static func stepName(quality: Int) -> String { prefix + "q\(quality).step" }
    static func tablesName(quality: Int) -> String { prefix + "q\(quality).tables" }
    static let conditionalBoundsName = prefix + "gaussian.bounds"
    static let conditionalTablesName = prefix + "gaussian.tables"

    /// The tensors, `codec.scale` first, then each quality's step and tables.
    package var tensors: [NamedTensor] {
        var tensors = [
            NamedTensor(name: Self.scaleName(), kind: .buffer, shape: [scales.count], storage: .float32(scales))
        ]
        for (index, quality) in qualities.enumerated() {
            tensors.append(
                NamedTensor(
                    name: Self.stepName(quality: index + 1), kind: .buffer, shape: [quality.steps.count],
                    storage: .float32(quality.steps)))
            tensors.append(
                NamedTensor(
                    name: Self.tablesName(quality: index + 1), kind: .buffer, shape: [quality.tables.count],
                    storage: .uint8(quality.tables)))
        }
        if let conditional {
            tensors.append(
                NamedTensor(
                    name: Self.conditionalBoundsName, kind: .buffer, shape: [conditional.bounds.count],
                    storage: .float32(conditional.bounds)))
            tensors.append(
                NamedTensor(
                    name: Self.conditionalTablesName, kind: .buffer, shape: [conditional.tables.count],
                    storage: .uint8(conditional.tables)))
        }
        return tensors
    }

    /// Reads the codec tensors of `file` for a latent of `channels` channels.
    ///
    /// - Throws: a one-line reason: no scales, a malformed quality (steps not finite and non-zero, tables not
    ///   u8), no quality, more than `maxQualities`, or codec tensors that are not part of the ladder.
    package init(reading file: WeightsFile, channels: Int, maxQualities: Int) throws(CodecTensorsError) {
        var byName: [String: NamedTensor] = [:]
        for tensor in file.tensors where Self.isCodecTensor(tensor.name) { byName[tensor.name] = tensor }
        guard case .float32(let scales)? = byName[Self.scaleName()]?.storage, scales.count == channels else {
            throw CodecTensorsError("weights lack the codec's latent scales (run `caec calibrate`)")
        }
        var qualities: [Quality] = []
        while let stepTensor = byName[Self.stepName(quality: qualities.count + 1)] {
            let quality = qualities.count + 1
            guard case .float32(let steps) = stepTensor.storage, steps.count == channels,
                steps.allSatisfy({ $0.isFinite && $0 != 0 }),
                case .uint8(let tables)? = byName[Self.tablesName(quality: quality)]?.storage
            else { throw CodecTensorsError("codec quality \(quality) is malformed") }
            qualities.append(Quality(steps: steps, tables: tables))
        }
        guard !qualities.isEmpty, qualities.count <= maxQualities else {
            throw CodecTensorsError("weights have no codec operating points (run `caec calibrate`)")
        }
        var conditional: Conditional?
        if let boundsTensor = byName[Self.conditionalBoundsName] {
            guard case .float32(let bounds) = boundsTensor.storage, (1...256).contains(bounds.count),
                bounds.allSatisfy(\.isFinite), zip(bounds, bounds.dropFirst()).allSatisfy({ $0 < $1 }),
                case .uint8(let tables)? = byName[Self.conditionalTablesName]?.storage
            else { throw CodecTensorsError("codec conditional tables are malformed") }
            conditional = Conditional(bounds: bounds, tables: tables)
        }
        guard byName.count == 1 + 2 * qualities.count + (conditional == nil ? 0 : 2) else {
            throw CodecTensorsError("weights have codec tensors beyond quality \(qualities.count)")
        }
        self.init(scales: scales, qualities: qualities, conditional: conditional)
    }
}

/// Why a weights file's `codec.*` tensors cannot be used; the message is the whole reason.
package struct CodecTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

extension WeightsFile {
    /// This file without its `codec.*` tensors (and without optimiser state if `optimizer` is set).
    package func removingCodecTensors(optimizer: Bool = false) -> WeightsFile {
        var file = self
        file.tensors.removeAll { Self.isDerived($0.name, optimizer: optimizer) }
        return file
    }

    private static func isDerived(_ name: String, optimizer: Bool) -> Bool {
        CodecTensors.isCodecTensor(name) || (optimizer && name.hasPrefix("optimizer."))
    }
}
