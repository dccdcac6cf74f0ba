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
/// A variable-rate model has one density per channel and quality (`qualities` sets, about 60 floats each): the
/// gained latent's spread differs by quality, and one shared density would cost bits at every quality but one.
///
/// Per channel, a scalar network maps v to the logit of its cumulative: filters (3, 3, 3), so layer widths
/// 1 -> 3 -> 3 -> 3 -> 1 (see `Tensor.factorizedLikelihood` for the formula). Keys, for k = 0 ... 3:
/// `<key>.matrices.<k>` (Q, C, out, in), `<key>.biases.<k>` (Q, C, out, 1) and, for k < 3, `<key>.factors.<k>`
/// (Q, C, out, 1). Reparametrisation as the paper: the effective matrix is `softplus(stored)` (non-negative, so the
/// cumulative increases) and the effective factor `tanh(stored)`. Initialisation as CompressAI with init scale 10:
/// matrices `log(expm1(1 / scale / out))` with `scale = 10^(1/4)`, biases U(-1/2, 1/2), factors 0.
///
/// There is no `quantiles` buffer and no auxiliary loss: the codec's tables are built after training by sampling
/// the learned density at integer points (the tails' extent is found there by scanning), and quantisation is plain
/// rounding (no median offsets).
package struct EntropyBottleneck: Sendable {
    package let key: String
    package let channels: Int
    /// Independent densities, one set per quality of a variable-rate model (1 for a single-rate model).
    package let qualities: Int
    package let filters: [Int]
    package let initScale: Double
    /// Smallest likelihood the rate sees (CompressAI's `likelihood_bound`).
    package static let likelihoodBound: Float = 1e-9

    package init(_ key: String, channels: Int, qualities: Int = 1, filters: [Int] = [3, 3, 3], initScale: Double = 10) {
        self.key = key
        self.channels = channels
        self.qualities = qualities
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
                ParameterSpec(
                    "\(key).matrices.\(k)", shape: [qualities, channels, outK, inK], initializer: .constant(initial)))
            specs.append(
                ParameterSpec(
                    "\(key).biases.\(k)", shape: [qualities, channels, outK, 1],
                    initializer: .uniform(low: -0.5, high: 0.5)))
            if k < layers - 1 {
                specs.append(
                    ParameterSpec("\(key).factors.\(k)", shape: [qualities, channels, outK, 1], initializer: .zeros))
            }
        }
        return specs
    }

    /// Stored tensor `name` of quality `quality` as (C, out, in), and its offset in the parameter buffer.
    private func slice(_ name: String, quality: Int, _ parameters: Parameters) -> (tensor: Tensor, offset: Int) {
        let shape = parameters.spec(name).shape
        let count = shape.dropFirst().reduce(1, *)
        let offset = parameters.offset(of: name) + quality * count
        return (
            Tensor(shape: Array(shape.dropFirst()), data: Array(parameters.values[offset..<offset + count])), offset
        )
    }

    /// The effective parameters of `quality`: softplus(matrices), biases, tanh(factors), each (C, out, in).
    package func effective(_ parameters: Parameters, quality: Int = 0) -> (
        matrices: [Tensor], biases: [Tensor], factors: [Tensor]
    ) {
        var matrices: [Tensor] = []
        var biases: [Tensor] = []
        var factors: [Tensor] = []
        for k in 0..<layers {
            var m = slice("\(key).matrices.\(k)", quality: quality, parameters).tensor
            for i in m.data.indices { m.data[i] = Self.softplus(m.data[i]) }
            matrices.append(m)
            biases.append(slice("\(key).biases.\(k)", quality: quality, parameters).tensor)
            if k < layers - 1 {
                var f = slice("\(key).factors.\(k)", quality: quality, parameters).tensor
                for i in f.data.indices { f.data[i] = tanhf(f.data[i]) }
                factors.append(f)
            }
        }
        return (matrices, biases, factors)
    }

    /// Likelihood of each element of `latent` (N, C, H, W) under its channel's density at `quality`.
    package func likelihoods(_ latent: Tensor, quality: Int = 0, _ parameters: Parameters) -> Tensor {
        let (matrices, biases, factors) = effective(parameters, quality: quality)
        return Tensor.factorizedLikelihood(
            latent, matrices: matrices, biases: biases, factors: factors, lowerBound: Self.likelihoodBound)
    }

    /// Likelihoods of sample i under the densities of `qualities[i]`, and their pullback: dL/dLikelihoods ->
    /// dL/dLatent, adding the densities' parameter gradients (through softplus and tanh) into `gradients`.
    /// Samples are grouped by quality; each group runs the kernel once.
    package func likelihoodsTraining(_ latent: Tensor, qualities sampleQualities: [Int], _ parameters: inout Parameters)
        -> (output: Tensor, pullback: Pullback)
    {
        let (N, C, H, W) = latent.nchw
        precondition(sampleQualities.count == N && C == channels, "EntropyBottleneck: shapes")
        let perSample = C * H * W
        let groups = (0..<qualities).map { q in (0..<N).filter { sampleQualities[$0] == q } }.enumerated().filter {
            !$0.element.isEmpty
        }
        func gather(_ t: Tensor, _ samples: [Int]) -> Tensor {
            var data: [Float] = []
            data.reserveCapacity(samples.count * perSample)
            for i in samples { data += t.data[i * perSample..<(i + 1) * perSample] }
            return Tensor(shape: [samples.count, C, H, W], data: data)
        }
        var output = Tensor(shape: latent.shape)
        var backwards: [(samples: [Int], input: Tensor, pullback: Pullback)] = []
        for (q, samples) in groups {
            let input = gather(latent, samples)
            let (matrices, biases, factors) = effective(parameters, quality: q)
            let likelihoods = Tensor.factorizedLikelihood(
                input, matrices: matrices, biases: biases, factors: factors, lowerBound: Self.likelihoodBound)
            for (j, i) in samples.enumerated() {
                output.data.replaceSubrange(
                    i * perSample..<(i + 1) * perSample, with: likelihoods.data[j * perSample..<(j + 1) * perSample])
            }
            let storedMatrices = (0..<layers).map { slice("\(key).matrices.\($0)", quality: q, parameters) }
            let biasOffsets = (0..<layers).map { slice("\(key).biases.\($0)", quality: q, parameters).offset }
            let storedFactors = (0..<layers - 1).map { slice("\(key).factors.\($0)", quality: q, parameters) }
            let pullback: Pullback = { gradOutput, gradients in
                let g = Tensor.factorizedLikelihoodBackward(
                    gradOutput, input: input, matrices: matrices, biases: biases, factors: factors,
                    lowerBound: Self.likelihoodBound)
                for k in storedMatrices.indices {
                    var dStored = g.dMatrices[k]
                    for i in dStored.data.indices { dStored.data[i] *= Self.sigmoid(storedMatrices[k].tensor.data[i]) }
                    accumulate(dStored, into: &gradients, at: storedMatrices[k].offset)
                    accumulate(g.dBiases[k], into: &gradients, at: biasOffsets[k])
                }
                for k in storedFactors.indices {
                    var dStored = g.dFactors[k]
                    for i in dStored.data.indices {
                        let t = tanhf(storedFactors[k].tensor.data[i])
                        dStored.data[i] *= 1 - t * t
                    }
                    accumulate(dStored, into: &gradients, at: storedFactors[k].offset)
                }
                return g.dInput
            }
            backwards.append((samples, input, pullback))
        }
        return (
            output,
            { gradOutput, gradients in
                var dLatent = Tensor(shape: gradOutput.shape)
                for (samples, _, pullback) in backwards {
                    let dInput = pullback(gather(gradOutput, samples), &gradients)
                    for (j, i) in samples.enumerated() {
                        dLatent.data.replaceSubrange(
                            i * perSample..<(i + 1) * perSample,
                            with: dInput.data[j * perSample..<(j + 1) * perSample])
                    }
                }
                return dLatent
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

    package static func softplus(_ x: Float) -> Float { x > 20 ? x : log1pf(expf(x)) }
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
}
