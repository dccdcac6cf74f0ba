import CaecTensor

/// The paper's autoencoders as a codec family: symbols = round(latent / step[q]), latent' = symbols x step[q], the
/// steps and tables calibrated on training images.
extension Autoencoder: CodecNetwork {
    package var widestActivation: Int { channels.max()! }

    /// k 3x3 convolutions at scales 1 ... 2^(k-1) reach 2^k - 1 = rate - 1 pixels: two rates cover it.
    package var analysisHalo: Int { 2 * rate }

    /// 3x3 convolutions reach less than 3 latent rows in all; 4 are read.
    package var synthesisHalo: Int { 4 }

    package var entropyModel: CodecEntropyModel { .calibrated }

    package func analysis(_ x: Tensor, _ parameters: Parameters) -> Tensor { encode(x, parameters) }

    package func quantizer(quality: Int, codec: CodecTensors, _ parameters: Parameters) -> Quantizer {
        Quantizer(.dividing(by: codec.qualities[quality - 1].steps))
    }

    package func synthesis(_ symbols: Tensor, quality: Int, codec: CodecTensors, _ parameters: Parameters)
        -> Tensor
    {
        let steps = codec.qualities[quality - 1].steps
        let (N, C, h, w) = symbols.nchw
        var latent = symbols
        for n in 0..<N {
            for c in 0..<C {
                let base = (n * C + c) * h * w
                for i in base..<base + h * w { latent.data[i] = symbols.data[i] * steps[c] }
            }
        }
        return decode(latent, parameters)
    }
}
