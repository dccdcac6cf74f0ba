import CaecTensor

/// A codec family whose encoder can search for better symbols than its analysis transform's guess (`caec encode
/// --effort`): for a fixed decoder and entropy model, symbols that lower `rate + lambda * distortion` for this one
/// image. The decoder, the tables and the format do not change.
package protocol LatentRefining {
    /// Symbols for `image` at `quality` (1-based), channel-major like `Quantizer.quantize`, found in `iterations`
    /// steps from `latent`, the analysis transform's output for `image`.
    ///
    /// - Parameters:
    ///   - image: (1, 3, H, W) in [0, 1], padded to multiples of the rate.
    ///   - width, height: the image's own size; padding pixels do not count in the distortion.
    ///   - latent: (1, C, H / rate, W / rate).
    ///   - seed: the random stream of the search, so that one machine always gives the same symbols.
    ///   - progress: called after each step with the number of steps done.
    func refinedSymbols(
        image: Tensor, width: Int, height: Int, latent: Tensor, quality: Int, iterations: Int, seed: UInt64,
        _ parameters: Parameters, progress: (Int) -> Void
    ) -> [Int32]
}
