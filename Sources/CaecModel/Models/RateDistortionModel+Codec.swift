import CaecTensor

/// The rate-distortion models as a codec family: symbols = round(latent x gain.analysis[q]); the synthesis
/// multiplies by gain.synthesis[q] (Spec/model-weights.md §7.1); tables from the learned densities.
extension RateDistortionModel: CodecNetwork {
    package var rate: Int { 1 << (firstStride == 2 ? stages : stages - 1) }
    package var latentChannels: Int { m }
    /// N channels at half resolution, or at full resolution with a stride-1 first convolution.
    package var widestActivation: Int { firstStride == 2 ? n / 4 : n }

    /// k 5x5 stride-2 convolutions reach 2 (2^k - 1) pixels on each side (30 for four; 16 with a stride-1 first
    /// convolution, 2 (1 + 1 + 2 + 4)): two rates cover it.
    package var analysisHalo: Int { 2 * rate }

    /// The 5x5 stride-2 transposed convolutions reach less than 3 latent rows; 4 are read.
    package var synthesisHalo: Int { 4 }

    package var entropyModel: CodecEntropyModel { .factorized(bottleneck) }

    package func analysis(_ x: Tensor, _ parameters: Parameters) -> Tensor { analysis.forward(x, parameters) }

    package func quantizer(quality: Int, codec: CodecTensors, _ parameters: Parameters) -> Quantizer {
        let gains = parameters.tensor("gain.analysis").data
        return Quantizer(.multiplying(by: Array(gains[(quality - 1) * m..<quality * m])))
    }

    package func synthesis(_ symbols: Tensor, quality: Int, codec: CodecTensors, _ parameters: Parameters)
        -> Tensor
    {
        decode(symbols, quality: quality - 1, parameters)
    }
}
