import CaecCore
import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The factorized prior of Ballé et al. 2018 (CompressAI's `EntropyBottleneck`): a learned, non-parametric density
/// per latent channel, giving each (quantised or noisy) latent value its likelihood.
///
/// Per channel, a scalar network maps v to the logit of its cumulative: filters (3, 3, 3), so layer widths
/// 1 -> 3 -> 3 -> 3 -> 1 (see `Tensor.factorizedLikelihood` for the formula). Keys, for k = 0 ... 3:
/// `<key>.matrices.<k>` (C, out, in), `<key>.biases.<k>` (C, out, 1) and, for k < 3, `<key>.factors.<k>`
/// (C, out, 1). Reparametrisation as the paper: the effective matrix is `softplus(stored)` (non-negative, so the
/// cumulative increases) and the effective factor `tanh(stored)`. Initialisation as CompressAI with init scale 10:
/// matrices `log(expm1(1 / scale / out))` with `scale = 10^(1/4)`, biases U(-1/2, 1/2), factors 0.
///
/// There is no `quantiles` buffer and no auxiliary loss: the codec's tables are built after training by sampling
/// the learned density at integer points (the tails' extent is found there by scanning), and quantisation is plain
/// rounding (no median offsets).
package struct EntropyBottleneck: Sendable {
    package let key: String
    package let channels: Int
    package let filters: [Int]
    package let initScale: Double
    /// Smallest likelihood the rate sees (CompressAI's `likelihood_bound`).
    package static let likelihoodBound: Float = 1e-9

    package init(_ key: String, channels: Int, filters: [Int] = [3, 3, 3], initScale: Double = 10) {
        self.key = key
        self.channels = channels
        self.filters = filters
        self.initScale = initScale
    }

    private var widths: [Int] { [1] + filters + [1] }
    private var layers: Int { filters.count + 1 }

    package var parameterSpecs: [ParameterSpec] {
        let widths = widths
        let scale = pow(initScale, 1 / Double(layers))
        var specs: [ParameterSpec] = []
        for k in 0..<layers {
            let (inK, outK) = (widths[k], widths[k + 1])
            let initial = Float(log(expm1(1 / scale / Double(outK))))
            specs.append(
                ParameterSpec("\(key).matrices.\(k)", shape: [channels, outK, inK], initializer: .constant(initial)))
            specs.append(
                ParameterSpec(
                    "\(key).biases.\(k)", shape: [channels, outK, 1], initializer: .uniform(low: -0.5, high: 0.5))
            )
            if k < layers - 1 {
                specs.append(ParameterSpec("\(key).factors.\(k)", shape: [channels, outK, 1], initializer: .zeros))
            }
        }
        return specs
    }

    /// The effective parameters: softplus(matrices), biases, tanh(factors).
    package func effective(_ parameters: Parameters) -> (matrices: [Tensor], biases: [Tensor], factors: [Tensor]) {
        var matrices: [Tensor] = []
        var biases: [Tensor] = []
        var factors: [Tensor] = []
        for k in 0..<layers {
            var m = parameters.tensor("\(key).matrices.\(k)")
            for i in m.data.indices { m.data[i] = Self.softplus(m.data[i]) }
            matrices.append(m)
            biases.append(parameters.tensor("\(key).biases.\(k)"))
            if k < layers - 1 {
                var f = parameters.tensor("\(key).factors.\(k)")
                for i in f.data.indices { f.data[i] = tanhf(f.data[i]) }
                factors.append(f)
            }
        }
        return (matrices, biases, factors)
    }

    /// Likelihood of each element of `latent` (N, C, H, W) under its channel's density.
    package func likelihoods(_ latent: Tensor, _ parameters: Parameters) -> Tensor {
        let (matrices, biases, factors) = effective(parameters)
        return Tensor.factorizedLikelihood(
            latent, matrices: matrices, biases: biases, factors: factors, lowerBound: Self.likelihoodBound)
    }

    /// Likelihoods and their pullback: dL/dLikelihoods -> dL/dLatent, adding the density's parameter gradients
    /// (through softplus and tanh) into `gradients`.
    package func likelihoodsTraining(_ latent: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let (matrices, biases, factors) = effective(parameters)
        let output = Tensor.factorizedLikelihood(
            latent, matrices: matrices, biases: biases, factors: factors, lowerBound: Self.likelihoodBound)
        let storedMatrices = (0..<layers).map { parameters.tensor("\(key).matrices.\($0)") }
        let storedFactors = (0..<layers - 1).map { parameters.tensor("\(key).factors.\($0)") }
        let matrixOffsets = (0..<layers).map { parameters.offset(of: "\(key).matrices.\($0)") }
        let biasOffsets = (0..<layers).map { parameters.offset(of: "\(key).biases.\($0)") }
        let factorOffsets = (0..<layers - 1).map { parameters.offset(of: "\(key).factors.\($0)") }
        return (
            output,
            { gradOutput, gradients in
                let g = Tensor.factorizedLikelihoodBackward(
                    gradOutput, input: latent, matrices: matrices, biases: biases, factors: factors,
                    lowerBound: Self.likelihoodBound)
                for k in matrixOffsets.indices {
                    var dStored = g.dMatrices[k]
                    for i in dStored.data.indices { dStored.data[i] *= Self.sigmoid(storedMatrices[k].data[i]) }
                    accumulate(dStored, into: &gradients, at: matrixOffsets[k])
                    accumulate(g.dBiases[k], into: &gradients, at: biasOffsets[k])
                }
                for k in factorOffsets.indices {
                    var dStored = g.dFactors[k]
                    for i in dStored.data.indices {
                        let t = tanhf(storedFactors[k].data[i])
                        dStored.data[i] *= 1 - t * t
                    }
                    accumulate(dStored, into: &gradients, at: factorOffsets[k])
                }
                return g.dInput
            }
        )
    }

    /// `latent` plus independent U(-1/2, 1/2) noise drawn from a generator seeded with `seed`: the training-time
    /// stand-in for rounding.
    package static func addUniformNoise(_ latent: Tensor, seed: UInt64) -> Tensor {
        var generator = SplitMix64(seed: seed)
        var result = latent
        for i in result.data.indices { result.data[i] += generator.uniform(-0.5, 0.5) }
        return result
    }

    static func softplus(_ x: Float) -> Float { x > 20 ? x : log1pf(expf(x)) }
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
}
