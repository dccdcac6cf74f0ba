import CaecTensor

/// CompressAI's `ScaleHyperprior` (Ballé et al. 2018) imported as it is, one network per quality:
///
/// ```
/// quality q: x -> g_a -> y (M, H/16, W/16) -> symbols round(y)               (Gaussian conditional)
///            |y| -> h_a -> z (N, H/64, W/64) -> symbols round(z - median)     (factorized prior of q)
///            z symbols + median -> h_s -> crop to y's size -> scales -> conditional table per element
///            y symbols -> g_s -> x^
/// ```
/// Keys: CompressAI's state-dict names prefixed with `q<q>.` (g_a, g_s, h_a, h_s, z's `entropy_bottleneck.*`,
/// `entropy_bottleneck.quantiles` (1, N, 3)). CompressAI's `gaussian_conditional.scale_table` is not kept: caec's
/// conditional tables come from its own scale table (CompressAI's default, `GaussianConditional.scaleTable`) with
/// nearest-in-log bounds, shared by every quality (Spec/model-weights.md §7.2). h_s's output is cropped, so images
/// need only be multiples of 16 (CompressAI asks for 64).
package struct CompressAIHyperpriorModel: Sendable {
    package let architecture: CompressAIArchitecture
    package let analyses: [Sequential]
    package let syntheses: [Sequential]
    package let hyperAnalyses: [Sequential]
    package let hyperSyntheses: [Sequential]
    package let bottlenecks: [EntropyBottleneck]

    /// - Parameter path: the kernels of g_a, h_a and h_s; the codec runs `.portable` so that z and the scale
    ///   indices are the same on every machine (g_s always runs the fast kernels).
    package init(_ architecture: CompressAIArchitecture, path: KernelPath = .fast) {
        precondition(architecture.family == .hyperprior, "CompressAIHyperpriorModel: \(architecture.family)")
        self.architecture = architecture
        let prefixes = (1...architecture.qualities).map(CompressAIArchitecture.prefix(quality:))
        analyses = prefixes.map { architecture.analysis(prefix: $0, path: path) }
        syntheses = prefixes.map { architecture.synthesis(prefix: $0) }
        hyperAnalyses = prefixes.map { architecture.hyperAnalysis(prefix: $0, path: path) }
        hyperSyntheses = prefixes.map { architecture.hyperSynthesis(prefix: $0, path: path) }
        bottlenecks = prefixes.map { architecture.bottleneck(prefix: $0, channels: architecture.n) }
    }

    /// The key table of quality `quality` (1-based).
    package func parameterSpecs(quality: Int) -> [ParameterSpec] {
        let q = quality - 1
        return analyses[q].parameterSpecs + syntheses[q].parameterSpecs + hyperAnalyses[q].parameterSpecs
            + hyperSyntheses[q].parameterSpecs + bottlenecks[q].parameterSpecs
            + [
                CompressAIArchitecture.quantilesSpec(
                    prefix: CompressAIArchitecture.prefix(quality: quality), channels: architecture.n)
            ]
    }

    /// z's medians at quality `quality` (1-based).
    package func medians(quality: Int, _ parameters: Parameters) -> [Float] {
        CompressAIArchitecture.medians(parameters, prefix: CompressAIArchitecture.prefix(quality: quality))
    }

    /// z = h_a(|y|) of quality `quality`, before rounding.
    package func hyperLatent(_ y: Tensor, quality: Int, _ parameters: Parameters) -> Tensor {
        var magnitude = y
        for i in magnitude.data.indices { magnitude.data[i] = abs(magnitude.data[i]) }
        return hyperAnalyses[quality - 1].forward(magnitude, parameters)
    }

    /// The predicted scales (N', M, height, width) from z symbols: h_s(symbols + median), cropped.
    package func scales(_ zSymbols: Tensor, quality: Int, height: Int, width: Int, _ parameters: Parameters)
        -> Tensor
    {
        let zHat = CompressAIArchitecture.adding(medians(quality: quality, parameters), to: zSymbols)
        return HyperpriorModel.crop(hyperSyntheses[quality - 1].forward(zHat, parameters), height: height, width: width)
    }
}

extension CompressAIHyperpriorModel: CompressAINetwork, HyperpriorCoding {
    package var entropyModel: CodecEntropyModel { .hyperprior(bottlenecks[0]) }

    /// Plain rounding (CompressAI's Gaussian conditional with zero means).
    package func quantizer(quality: Int, codec: CodecTensors, _ parameters: Parameters) -> Quantizer {
        Quantizer(.subtracting([Float](repeating: 0, count: architecture.m)))
    }

    package func synthesis(_ symbols: Tensor, quality: Int, codec: CodecTensors, _ parameters: Parameters)
        -> Tensor
    {
        syntheses[quality - 1].forward(symbols, parameters)
    }

    package var hyperLatentChannels: Int { architecture.n }
    package var hyperRate: Int { 4 }

    /// The z symbols of a trained quality (this family has integer qualities only).
    package func hyperLatentSymbols(_ latent: Tensor, quality: ModelQuality, _ parameters: Parameters) -> Tensor {
        hyperLatentSymbols(latent, quality: quality.index, parameters)
    }

    package func hyperLatentSymbols(_ latent: Tensor, quality: Int, _ parameters: Parameters) -> Tensor {
        let medians = medians(quality: quality, parameters)
        var z = hyperLatent(latent, quality: quality, parameters)
        let (_, C, H, W) = z.nchw
        for i in z.data.indices { z.data[i] = Float(Quantizer.symbol(z.data[i] - medians[i / (H * W) % C])) }
        return z
    }

    /// The indices of quality 1; the codec calls the form with the quality.
    package func scaleIndices(_ zSymbols: Tensor, height: Int, width: Int, bounds: [Float], _ parameters: Parameters)
        -> [UInt8]
    {
        scaleIndices(zSymbols, quality: 1, height: height, width: width, bounds: bounds, parameters)
    }

    /// h_s on the portable kernels, the exact ReLU, the crop, then `GaussianConditional.scaleIndex`; adding the
    /// medians is one exact-order float addition per element, so the indices agree on every machine.
    package func scaleIndices(
        _ zSymbols: Tensor, quality: Int, height: Int, width: Int, bounds: [Float], _ parameters: Parameters
    ) -> [UInt8] {
        precondition(!bounds.isEmpty && bounds.count <= 256, "scaleIndices: 1 ... 256 bounds")
        let scales = scales(zSymbols, quality: quality, height: height, width: width, parameters)
        return scales.data.map { UInt8(GaussianConditional.scaleIndex($0, bounds: bounds)) }
    }
}
