import CaecTensor

/// What a codec network provides, so that the facade codes with any family without knowing which (CompressAI's
/// `CompressionModel`).
///
/// ```
/// pixels (1, 3, H, W) -> analysis -> latent (1, C, H/rate, W/rate) -> quantizer(q) -> symbols -> rANS (tables q)
/// symbols as floats -> synthesis(q) -> pixels
/// ```
/// The facade runs `analysis` and `synthesis` over horizontal strips (`StripRunner`), so both must be fully
/// convolutional, and their receptive fields must stay within the halos declared here. A conformance built by
/// `ModelRegistry.codecNetwork(_:)` runs its analysis on the portable kernels, whose fixed summation order makes the
/// symbols, and so the `.cae` bytes, the same on every machine.
///
/// Adding a family: one file in `CaecModel/Models` with the model and this conformance, and one line in
/// `ModelRegistry.codecFamilies`.
package protocol CodecNetwork: Sendable {
    /// The stable model id, such as `cae-r8`.
    var id: String { get }
    /// How many times the latent is smaller than the image in width and height.
    var rate: Int { get }
    var latentChannels: Int { get }
    /// The key table of the weights file (without the `codec.*` tensors).
    var parameterSpecs: [ParameterSpec] { get }
    /// Channels of the widest activation, counted at full resolution: bounds the memory of a strip.
    var widestActivation: Int { get }
    /// Input rows above and below a strip that cover the analysis's receptive field.
    var analysisHalo: Int { get }
    /// Latent rows above and below a strip that cover the synthesis's receptive field.
    var synthesisHalo: Int { get }
    /// Where the family's entropy tables come from.
    var entropyModel: CodecEntropyModel { get }

    /// The latent of `x` (N, 3, H, W), H and W multiples of `rate`.
    func analysis(_ x: Tensor, _ parameters: Parameters) -> Tensor
    /// How quality `quality` (1-based) turns the latent into symbols.
    func quantizer(quality: Int, codec: CodecTensors, _ parameters: Parameters) -> Quantizer
    /// The reconstruction of `symbols` (N, C, h, w, integers as floats) at `quality` (1-based). Applied channel by
    /// channel and row by row, so strips of the symbols give strips of the result.
    func synthesis(_ symbols: Tensor, quality: Int, codec: CodecTensors, _ parameters: Parameters) -> Tensor

    /// Whether the latent depends on the quality (a model made of one network per quality, such as an import of
    /// several CompressAI checkpoints); false for the variable-rate families, whose one latent serves every quality.
    var latentDependsOnQuality: Bool { get }
    /// The latent of `x` for `quality` (1-based); the same as `analysis(_:_:)` unless `latentDependsOnQuality`.
    func analysis(_ x: Tensor, quality: Int, _ parameters: Parameters) -> Tensor
}

extension CodecNetwork {
    package var latentDependsOnQuality: Bool { false }

    package func analysis(_ x: Tensor, quality: Int, _ parameters: Parameters) -> Tensor { analysis(x, parameters) }
}

/// The source of a codec family's entropy tables (built by CaecTrain, stored as `codec.*` tensors).
package enum CodecEntropyModel: Sendable {
    /// Histograms of quantised latents of training images (`caec calibrate`), with calibrated steps.
    case calibrated
    /// A learned factorized density per channel and quality; the steps are the inverse analysis gains.
    case factorized(EntropyBottleneck)
    /// A learned factorized density per hyper-latent channel and quality (coding z), and a Gaussian conditional
    /// whose tables, one per scale of a fixed scale table, code the latent (`HyperpriorCoding`).
    case hyperprior(EntropyBottleneck)
}
