import CaecTensor

/// CompressAI's `FactorizedPrior` (Ballé et al. 2018) imported as it is, one network per quality:
///
/// ```
/// quality q: x -> q<q>.g_a -> y (M, H/16, W/16) -> symbols round(y - median) -> rANS (tables of q)
///            symbols + median -> q<q>.g_s -> x^
/// ```
/// There are no gains: each quality is one of CompressAI's checkpoints, trained for one lambda, and the latent
/// depends on the quality. Quantisation follows CompressAI (`EntropyBottleneck.quantize(mode="dequantize")`):
/// around the per-channel medians of `q<q>.entropy_bottleneck.quantiles` (1, M, 3), and the tables sample the
/// density at median + k. Keys: CompressAI's state-dict names (`g_a.0.weight` ...,
/// `entropy_bottleneck.matrices.0` with a leading quality axis of 1) prefixed with `q<q>.`; GDN stored as caec
/// stores it (Spec/safetensors.md §4).
package struct CompressAIFactorizedModel: Sendable {
    package let architecture: CompressAIArchitecture
    package let analyses: [Sequential]
    package let syntheses: [Sequential]
    package let bottlenecks: [EntropyBottleneck]

    /// - Parameter path: the kernels of g_a; the codec runs `.portable` so that the symbols are the same on every
    ///   machine.
    package init(_ architecture: CompressAIArchitecture, path: KernelPath = .fast) {
        precondition(architecture.family == .factorized, "CompressAIFactorizedModel: \(architecture.family)")
        self.architecture = architecture
        let prefixes = (1...architecture.qualities).map(CompressAIArchitecture.prefix(quality:))
        analyses = prefixes.map { architecture.analysis(prefix: $0, path: path) }
        syntheses = prefixes.map { architecture.synthesis(prefix: $0) }
        bottlenecks = prefixes.map { architecture.bottleneck(prefix: $0, channels: architecture.m) }
    }

    /// The key table of quality `quality` (1-based).
    package func parameterSpecs(quality: Int) -> [ParameterSpec] {
        let prefix = CompressAIArchitecture.prefix(quality: quality)
        return analyses[quality - 1].parameterSpecs + syntheses[quality - 1].parameterSpecs
            + bottlenecks[quality - 1].parameterSpecs
            + [CompressAIArchitecture.quantilesSpec(prefix: prefix, channels: architecture.m)]
    }

    /// The medians of quality `quality` (1-based), one per latent channel.
    package func medians(quality: Int, _ parameters: Parameters) -> [Float] {
        CompressAIArchitecture.medians(parameters, prefix: CompressAIArchitecture.prefix(quality: quality))
    }
}

extension CompressAIFactorizedModel: CompressAINetwork {
    package var entropyModel: CodecEntropyModel { .factorized(bottlenecks[0]) }

    package func quantizer(quality: Int, codec: CodecTensors, _ parameters: Parameters) -> Quantizer {
        Quantizer(.subtracting(medians(quality: quality, parameters)))
    }

    package func synthesis(_ symbols: Tensor, quality: Int, codec: CodecTensors, _ parameters: Parameters)
        -> Tensor
    {
        let yHat = CompressAIArchitecture.adding(medians(quality: quality, parameters), to: symbols)
        return syntheses[quality - 1].forward(yHat, parameters)
    }
}
