import CaecTensor

/// A codec family whose latent is coded with side information (Ballé et al. 2018's hyperprior): a hyper-latent z,
/// coded first with the per-channel tables of the quality (`CodecTensors.Quality.tables`), from which the decoder
/// derives one table index per latent element, choosing among the shared conditional tables
/// (`CodecTensors.conditional`). Spec/cae-format.md §9.1.
///
/// Both sides derive the indices from the same z symbols with `scaleIndices`, which MUST run on bit-exact kernels
/// (the portable convolutions, exact ReLU and comparisons): the y stream decodes only if the indices agree.
package protocol HyperpriorCoding {
    /// Channels of the hyper-latent z.
    var hyperLatentChannels: Int { get }
    /// How many times z is smaller than the latent in width and height.
    var hyperRate: Int { get }

    /// The z symbols (1, Z, ceil(h / hyperRate), ceil(w / hyperRate)), integers as floats, of `latent` (1, C, h, w),
    /// the analysis transform's output, at `quality` (a trained quality, or one between two for a family that is
    /// `ContinuousQualityCoding`).
    func hyperLatentSymbols(_ latent: Tensor, quality: ModelQuality, _ parameters: Parameters) -> Tensor
    /// The conditional table of each latent element, channel-major (C x h x w), from the z symbols `zSymbols` and
    /// the ascending table scales `bounds`: bit-exact on every machine.
    func scaleIndices(_ zSymbols: Tensor, height: Int, width: Int, bounds: [Float], _ parameters: Parameters)
        -> [UInt8]
    /// `scaleIndices(_:height:width:bounds:_:)` for the z symbols of `quality` (1-based): a family whose h_s or
    /// z offsets differ by quality implements this one; the others ignore the quality.
    func scaleIndices(
        _ zSymbols: Tensor, quality: Int, height: Int, width: Int, bounds: [Float], _ parameters: Parameters
    ) -> [UInt8]
}

extension HyperpriorCoding {
    package func scaleIndices(
        _ zSymbols: Tensor, quality: Int, height: Int, width: Int, bounds: [Float], _ parameters: Parameters
    ) -> [UInt8] {
        scaleIndices(zSymbols, height: height, width: width, bounds: bounds, parameters)
    }
}
