import CaecTensor

/// The scale-hyperprior models as a codec family: y symbols = round(latent x gain.analysis[q]) as `bmshj-f-vr`;
/// z symbols = round(h_a(|latent x gain.analysis[q]|)); the per-quality tables code z, and the conditional tables,
/// chosen per element by h_s(z) (`scaleIndices`), code y (Spec/cae-format.md §9.1). Qualities between the trained
/// ones interpolate the gains (`ContinuousQualityCoding`, §9.2).
extension HyperpriorModel: CodecNetwork, HyperpriorCoding, ContinuousQualityCoding {
    package var rate: Int { Self.rate }
    package var latentChannels: Int { m }
    package var widestActivation: Int { n / 4 }
    package var analysisHalo: Int { core.analysisHalo }
    package var synthesisHalo: Int { core.synthesisHalo }
    package var entropyModel: CodecEntropyModel { .hyperprior(bottleneck) }

    package func analysis(_ x: Tensor, _ parameters: Parameters) -> Tensor { core.analysis.forward(x, parameters) }

    package func quantizer(quality: Int, codec: CodecTensors, _ parameters: Parameters) -> Quantizer {
        core.quantizer(quality: quality, codec: codec, parameters)
    }

    package func synthesis(_ symbols: Tensor, quality: Int, codec: CodecTensors, _ parameters: Parameters)
        -> Tensor
    {
        core.decode(symbols, quality: quality - 1, parameters)
    }

    package var hyperLatentChannels: Int { hyperChannels }
    package var hyperRate: Int { Self.hyperRate }

    /// The z symbols at trained quality `quality` (1-based).
    package func hyperLatentSymbols(_ latent: Tensor, quality: Int, _ parameters: Parameters) -> Tensor {
        hyperLatentSymbols(latent, quality: ModelQuality(index: quality), parameters)
    }

    package func hyperLatentSymbols(_ latent: Tensor, quality: ModelQuality, _ parameters: Parameters) -> Tensor {
        let gains = GainInterpolation.gains(parameters.tensor("gain.analysis"), at: quality)
        let gained = RateDistortionModel.scale(
            latent, gains: Tensor(shape: [1, m], data: gains), qualities: Array(repeating: 0, count: latent.shape[0]))
        var z = hyperLatent(gained, parameters)
        for i in z.data.indices { z.data[i] = Float(Quantizer.symbol(z.data[i])) }
        return z
    }

    /// h_s on this model's kernels (`.portable` in the codec: the exact transposed convolution, polyphase, and the
    /// exact convolution, both in the reference's fixed order), the exact ReLU, the crop, then
    /// `GaussianConditional.scaleIndex`.
    package func scaleIndices(_ zSymbols: Tensor, height: Int, width: Int, bounds: [Float], _ parameters: Parameters)
        -> [UInt8]
    {
        precondition(!bounds.isEmpty && bounds.count <= 256, "scaleIndices: 1 ... 256 bounds")
        let scales = scales(zSymbols, height: height, width: width, parameters)
        return scales.data.map { UInt8(GaussianConditional.scaleIndex($0, bounds: bounds)) }
    }

    package func quantizer(quality: ModelQuality, _ parameters: Parameters) -> Quantizer {
        Quantizer(.multiplying(by: GainInterpolation.gains(parameters.tensor("gain.analysis"), at: quality)))
    }

    package func synthesis(_ symbols: Tensor, quality: ModelQuality, _ parameters: Parameters) -> Tensor {
        let gains = GainInterpolation.gains(parameters.tensor("gain.synthesis"), at: quality)
        let scaled = RateDistortionModel.scale(
            symbols, gains: Tensor(shape: [1, m], data: gains), qualities: Array(repeating: 0, count: symbols.shape[0]))
        return core.synthesis.forward(scaled, parameters)
    }

    /// z is coded with the tables of the nearer trained quality, the upper one from half way (fraction 128) on.
    package func tablesQuality(_ quality: ModelQuality) -> Int {
        quality.fraction < ModelQuality.steps / 2 ? quality.index : quality.index + 1
    }
}
