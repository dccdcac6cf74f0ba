import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ballé et al. 2018's factorized-prior model (CompressAI's `FactorizedPrior`), made variable-rate with per-quality
/// gain vectors (Cui et al. 2021, "asymmetric gained VAE").
///
/// ```
/// x (3, H, W) -> g_a: conv5x5/2 (3->N) GDN conv5x5/2 GDN conv5x5/2 GDN conv5x5/2 (N->M) -> y (M, H/16, W/16)
/// y * gain.analysis[q] -> round (training: + U(-1/2, 1/2)) -> y~   (rate: -log2 p_q(y~), factorized prior)
/// y~ * gain.synthesis[q] -> g_s: deconv5x5/2 (M->N) IGDN deconv5x5/2 IGDN deconv5x5/2 IGDN deconv5x5/2 (N->3) -> x^
/// ```
/// Keys: `g_a.0/2/4/6.{weight,bias}`, `g_a.1/3/5.{beta,gamma}`, likewise `g_s.*` (as CompressAI numbers its
/// `nn.Sequential`), `entropy_bottleneck.*` (see `EntropyBottleneck`) and `gain.analysis`, `gain.synthesis`,
/// both (Q, M). Quality q (0-based) is trained with `lambdas[q]` (loss = bpp + lambda * 255^2 * MSE), so the
/// gains learn one quantisation step per channel and quality. Gains start at `sqrt(lambda_q / lambda_mid)`
/// (high-rate theory: the best step shrinks like 1/sqrt(lambda)) and their inverses, so qualities are apart from
/// the first step. H and W must be multiples of 16.
///
/// The number of stride-2 stages is a parameter (`stages`, 4 above): with 3, for 32x32 images (`cifar-task-vr`),
/// g_a is conv GDN conv GDN conv (keys `g_a.0` ... `g_a.4`), g_s likewise, the latent is (M, H/8, W/8) and H and W
/// must be multiples of 8.
///
/// `firstStride` 1 (`cifar-task-vr8`) keeps four stages and their keys but makes the first analysis convolution and
/// the last synthesis transposed convolution stride 1 (output padding 0): the latent is (M, H/8, W/8), four times
/// as many numbers as with stride 2, for images so small (32x32) that a 2x2 latent caps the quality. The weights
/// have the same shapes, so a four-stage model of the same widths starts it (`parameters(adapting:)`).
package struct RateDistortionModel: Sendable {
    package let id: String
    package let n: Int
    package let m: Int
    package let lambdas: [Float]
    /// Stages of each transform (a convolution and, between two, a GDN).
    package let stages: Int
    /// Stride of the first analysis convolution and of the last synthesis one (2, or 1 for small images); the others
    /// are stride 2, so the latent is 2^stages (or 2^(stages - 1)) times smaller in width and height.
    package let firstStride: Int
    package let analysis: Sequential
    package let synthesis: Sequential
    package let bottleneck: EntropyBottleneck

    /// - Parameters:
    ///   - stages: convolutions of each transform (2...6), with a GDN between two.
    ///   - firstStride: 2, or 1 for the first analysis and last synthesis convolutions at full resolution.
    ///   - analysisPath: the kernels of the analysis transform; the codec encodes with `.portable` so the quantised
    ///     latent (and so the bytes) are the same on every machine.
    package init(
        id: String, n: Int, m: Int, lambdas: [Float], stages: Int = 4, firstStride: Int = 2,
        analysisPath: KernelPath = .fast
    ) {
        precondition(!lambdas.isEmpty && lambdas.allSatisfy { $0 > 0 }, "RateDistortionModel: lambdas")
        precondition((2...6).contains(stages), "RateDistortionModel: stages")
        precondition(firstStride == 1 || firstStride == 2, "RateDistortionModel: first stride")
        self.id = id
        self.n = n
        self.m = m
        self.lambdas = lambdas
        self.stages = stages
        self.firstStride = firstStride
        var analysisLayers: [any Layer] = []
        var synthesisLayers: [any Layer] = []
        for stage in 0..<stages {
            let last = stage == stages - 1
            let outputStride = last ? firstStride : 2
            analysisLayers.append(
                Conv2D(
                    "g_a.\(2 * stage)", inChannels: stage == 0 ? 3 : n, outChannels: last ? m : n, kernelSize: 5,
                    stride: stage == 0 ? firstStride : 2, padding: 2, path: analysisPath, pytorchDefaultInit: true))
            synthesisLayers.append(
                ConvTranspose2D(
                    "g_s.\(2 * stage)", inChannels: stage == 0 ? m : n, outChannels: last ? 3 : n, kernelSize: 5,
                    stride: outputStride, padding: 2, outputPadding: outputStride - 1))
            if !last {
                analysisLayers.append(GDNLayer("g_a.\(2 * stage + 1)", channels: n, path: analysisPath))
                synthesisLayers.append(GDNLayer("g_s.\(2 * stage + 1)", channels: n, inverse: true))
            }
        }
        analysis = Sequential(analysisLayers)
        synthesis = Sequential(synthesisLayers)
        bottleneck = EntropyBottleneck("entropy_bottleneck", channels: m, qualities: lambdas.count)
    }

    /// How many times width and height shrink in the four-stage models (`bmshj-f-vr`, `bmshj-hp-vr`).
    package static let fourStageRate = 16
    package var qualities: Int { lambdas.count }

    package var parameterSpecs: [ParameterSpec] {
        analysis.parameterSpecs + synthesis.parameterSpecs + bottleneck.parameterSpecs + gainSpecs
    }

    private var gainSpecs: [ParameterSpec] {
        // Initial gains are filled by `initialGains`; the specs carry 1 so that the key table stays plain.
        [
            ParameterSpec("gain.analysis", shape: [qualities, m], initializer: .constant(1)),
            ParameterSpec("gain.synthesis", shape: [qualities, m], initializer: .constant(1)),
        ]
    }

    /// Fresh parameters from `seed`, with the gains set to `sqrt(lambda_q / lambda_mid)` and their inverses
    /// (lambda_mid: the geometric mean of the lambdas).
    package func initialParameters(seed: UInt64) -> Parameters {
        var parameters = Parameters(specs: parameterSpecs, seed: seed)
        Self.setInitialGains(&parameters, lambdas: lambdas, channels: m)
        return parameters
    }

    /// Sets `gain.analysis` and `gain.synthesis` (Q, `channels`) of `parameters` to `sqrt(lambda_q / lambda_mid)`
    /// and its inverse.
    package static func setInitialGains(_ parameters: inout Parameters, lambdas: [Float], channels m: Int) {
        let qualities = lambdas.count
        let middle = exp(lambdas.map { log(Double($0)) }.reduce(0, +) / Double(qualities))
        var analysisGain = Tensor(shape: [qualities, m])
        var synthesisGain = Tensor(shape: [qualities, m])
        for q in 0..<qualities {
            let g = Float((Double(lambdas[q]) / middle).squareRoot())
            for c in 0..<m {
                analysisGain.data[q * m + c] = g
                synthesisGain.data[q * m + c] = 1 / g
            }
        }
        parameters.set("gain.analysis", analysisGain)
        parameters.set("gain.synthesis", synthesisGain)
    }

    /// Multiplies channel c of sample i of `latent` (N, M, h, w) by `gains[qualities[i], c]` (gains (Q, M)).
    package static func scale(_ latent: Tensor, gains: Tensor, qualities: [Int]) -> Tensor {
        let (N, C, H, W) = latent.nchw
        precondition(qualities.count == N && gains.shape[1] == C, "RateDistortionModel.scale: shapes")
        var result = latent
        for i in 0..<N {
            for c in 0..<C {
                let g = gains.data[qualities[i] * C + c]
                let base = (i * C + c) * H * W
                for p in 0..<H * W { result.data[base + p] *= g }
            }
        }
        return result
    }

    /// The scaled, rounded latent of `x` (N, 3, H, W) at `quality` (0-based): the symbols the codec codes.
    package func quantizedLatent(_ x: Tensor, quality: Int, _ parameters: Parameters) -> Tensor {
        let y = analysis.forward(x, parameters)
        var scaled = Self.scale(
            y, gains: parameters.tensor("gain.analysis"), qualities: Array(repeating: quality, count: x.shape[0]))
        for i in scaled.data.indices { scaled.data[i] = Float(Quantizer.symbol(scaled.data[i])) }
        return scaled
    }

    /// The reconstruction from quantised symbols at `quality`.
    package func decode(_ symbols: Tensor, quality: Int, _ parameters: Parameters) -> Tensor {
        let scaled = Self.scale(
            symbols, gains: parameters.tensor("gain.synthesis"),
            qualities: Array(repeating: quality, count: symbols.shape[0]))
        return synthesis.forward(scaled, parameters)
    }

    /// Inference with rounding: the reconstruction and the estimated bits of each sample (from the prior).
    package func reconstruct(_ x: Tensor, quality: Int, _ parameters: Parameters) -> (
        reconstruction: Tensor, bits: [Double]
    ) {
        let symbols = quantizedLatent(x, quality: quality, parameters)
        let likelihoods = bottleneck.likelihoods(symbols, quality: quality, parameters)
        let perSample = likelihoods.count / max(x.shape[0], 1)
        var bits = [Double](repeating: 0, count: x.shape[0])
        for i in likelihoods.data.indices { bits[i / perSample] -= log2(Double(likelihoods.data[i])) }
        return (decode(symbols, quality: quality, parameters), bits)
    }
}
