import CaecCore
import CaecTensor

/// How a parameter is filled before training. Every scheme draws from a seeded generator, so the same seed gives
/// the same initial model on every machine.
package enum Initializer: Sendable, Equatable {
    case zeros
    case constant(Float)
    /// He (Kaiming) uniform for ReLU networks: U(-b, b) with b = sqrt(6 / fanIn), so Var = 2 / fanIn.
    case heUniform(fanIn: Int)
    /// Xavier (Glorot) uniform: U(-b, b) with b = sqrt(6 / (fanIn + fanOut)).
    case xavierUniform(fanIn: Int, fanOut: Int)
    /// PyTorch's default for conv and linear biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
    case biasUniform(fanIn: Int)
    /// U(low, high).
    case uniform(low: Float, high: Float)
    /// A square matrix (shape (C, C)) with `diagonal` on its diagonal and `offDiagonal` elsewhere (GDN's gamma).
    case identity(diagonal: Float, offDiagonal: Float)

    var bounds: (low: Float, high: Float)? {
        switch self {
        case .zeros, .constant, .identity: return nil
        case .heUniform(let fanIn):
            let b = (6 / Float(fanIn)).squareRoot()
            return (-b, b)
        case .xavierUniform(let fanIn, let fanOut):
            let b = (6 / Float(fanIn + fanOut)).squareRoot()
            return (-b, b)
        case .biasUniform(let fanIn):
            let b = 1 / Float(fanIn).squareRoot()
            return (-b, b)
        case .uniform(let low, let high): return (low, high)
        }
    }
}

/// One named entry of a model's key table: the contract shared by the weights file, the optimiser and logs.
package struct ParameterSpec: Sendable, Equatable {
    package var name: String
    package var kind: NamedTensor.Kind
    package var shape: [Int]
    package var initializer: Initializer

    package init(_ name: String, kind: NamedTensor.Kind = .parameter, shape: [Int], initializer: Initializer) {
        self.name = name
        self.kind = kind
        self.shape = shape
        self.initializer = initializer
    }

    package var count: Int { shape.reduce(1, *) }
}

/// All of a model's float tensors in one contiguous buffer, addressed by dotted key.
///
/// Gradients and optimiser moments use the same layout (`values.count` floats, same offsets), so an optimiser step
/// is one loop over flat arrays. Buffers (kind `.buffer`) live in the same array but are never trained.
package struct Parameters: Sendable {
    package let specs: [ParameterSpec]
    package let offsets: [String: Int]
    package var values: [Float]

    /// Lays out `specs` in order and fills every entry with its initialiser, drawing from a generator seeded with
    /// `seed`.
    package init(specs: [ParameterSpec], seed: UInt64) {
        self.init(zeroed: specs)
        var generator = SplitMix64(seed: seed)
        for spec in specs {
            let offset = offsets[spec.name]!
            switch spec.initializer {
            case .zeros: break
            case .constant(let value):
                for i in 0..<spec.count { values[offset + i] = value }
            case .identity(let diagonal, let offDiagonal):
                let side = spec.shape.last ?? 1
                for i in 0..<spec.count { values[offset + i] = i % (side + 1) == 0 ? diagonal : offDiagonal }
            default:
                let (low, high) = spec.initializer.bounds!
                for i in 0..<spec.count { values[offset + i] = generator.uniform(low, high) }
            }
        }
    }

    /// Lays out `specs` in order, every value 0 (what a loader fills, after checking the file against `specs`).
    package init(zeroed specs: [ParameterSpec]) {
        var offsets: [String: Int] = [:]
        var total = 0
        for spec in specs {
            precondition(offsets[spec.name] == nil, "Parameters: duplicate key \(spec.name)")
            offsets[spec.name] = total
            total += spec.count
        }
        self.specs = specs
        self.offsets = offsets
        self.values = [Float](repeating: 0, count: total)
    }

    /// Number of floats in the layout.
    package var count: Int { values.count }

    /// Number of trainable floats.
    package var trainableCount: Int { specs.filter { $0.kind == .parameter }.reduce(0) { $0 + $1.count } }

    package func spec(_ name: String) -> ParameterSpec {
        guard let spec = specs.first(where: { $0.name == name }) else { preconditionFailure("no parameter \(name)") }
        return spec
    }

    /// Offset of `name` in `values`. Traps on an unknown key (a programming error).
    package func offset(of name: String) -> Int {
        guard let offset = offsets[name] else { preconditionFailure("Parameters: no key \(name)") }
        return offset
    }

    /// A copy of entry `name` as a tensor of its shape.
    package func tensor(_ name: String) -> Tensor {
        let spec = spec(name)
        let offset = offset(of: name)
        return Tensor(shape: spec.shape, data: Array(values[offset..<offset + spec.count]))
    }

    /// Overwrites entry `name` with `tensor`, whose element count must match.
    package mutating func set(_ name: String, _ tensor: Tensor) {
        let offset = offset(of: name)
        precondition(tensor.count == spec(name).count, "Parameters: \(name) takes \(spec(name).count) elements")
        values.replaceSubrange(offset..<offset + tensor.count, with: tensor.data)
    }

    /// A 0/1 mask over `values`: 1 where the float is a trainable parameter.
    package var trainableMask: [Float] { trainableMask { _ in nil } }

    /// The optimisers' per-float rate factors: 0 for buffers; for each trainable entry, `factor(name)` where that is
    /// not nil (0 freezes the entry), else 1. The trainers' parameter groups (`--lr-scale`, frozen prefixes, a
    /// recipe's `parameterScales`) are all made this way.
    package func trainableMask(factor: (String) -> Float?) -> [Float] {
        var mask = [Float](repeating: 0, count: count)
        for spec in specs where spec.kind == .parameter {
            let offset = offsets[spec.name]!
            let value = factor(spec.name) ?? 1
            for i in 0..<spec.count { mask[offset + i] = value }
        }
        return mask
    }
}

/// Adds `tensor` into the gradient buffer at `name`'s offset.
package func accumulate(_ tensor: Tensor, into gradients: inout [Float], at offset: Int) {
    gradients.withUnsafeMutableBufferPointer { g in
        tensor.data.withUnsafeBufferPointer { t in
            for i in 0..<t.count { g[offset + i] += t[i] }
        }
    }
}
