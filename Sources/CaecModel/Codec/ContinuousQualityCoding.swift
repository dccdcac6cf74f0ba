import CaecTensor

/// A codec family whose qualities form a continuous scale: any `ModelQuality` from 1 to its top trained quality,
/// in steps of 1/256, codes with gain vectors interpolated between the trained qualities (`GainInterpolation`).
///
/// Only families whose latent tables do not depend on the quality can do this: the hyperprior's Gaussian
/// conditional tables depend on the scale alone. The hyper-latent's tables are per trained quality; `tablesQuality`
/// says which trained quality's tables code a point between two (Spec/cae-format.md §9.2). At an integer quality
/// every method gives exactly what the family's integer-quality methods give.
package protocol ContinuousQualityCoding {
    /// How quality `quality` turns the latent into symbols (the interpolated analysis gains).
    func quantizer(quality: ModelQuality, _ parameters: Parameters) -> Quantizer
    /// The reconstruction of `symbols` (N, C, h, w, integers as floats) at `quality` (the interpolated synthesis
    /// gains); applied row by row as `CodecNetwork.synthesis`.
    func synthesis(_ symbols: Tensor, quality: ModelQuality, _ parameters: Parameters) -> Tensor
    /// The trained quality (1-based) whose per-channel tables code the symbols they code at `quality`.
    func tablesQuality(_ quality: ModelQuality) -> Int
}
