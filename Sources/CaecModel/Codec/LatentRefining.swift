import CaecTensor

/// A codec family whose encoder can search for better symbols than its analysis transform's guess (`caec encode
/// --effort`): for a fixed decoder and entropy model, symbols that lower `rate + lambda * distortion` for this one
/// image. The decoder, the tables and the format do not change. `LatentSearch` holds what the families share.
package protocol LatentRefining {
    /// Symbols for `image` at `quality`, channel-major like `Quantizer.quantize`, found in `iterations` steps from
    /// `latent`, the analysis transform's output for `image`. At 0 iterations, the encoder's own symbols.
    ///
    /// - Parameters:
    ///   - image: (1, 3, H, W) in [0, 1], padded to multiples of the rate.
    ///   - width, height: the image's own size; padding pixels do not count in the distortion.
    ///   - latent: (1, C, H / rate, W / rate).
    ///   - quality: a quality the family codes (an integer one unless it is `ContinuousQualityCoding`).
    ///   - seed: the random stream of the search, so that one machine always gives the same symbols.
    ///   - progress: called after each step with the number of steps done.
    func refinedSymbols(
        image: Tensor, width: Int, height: Int, latent: Tensor, quality: ModelQuality, iterations: Int, seed: UInt64,
        _ parameters: Parameters, progress: (Int) -> Void
    ) -> RefinedSymbols
}

/// What a latent search chose: the latent's symbols and, for a family with a hyperprior, the hyper-latent symbols
/// whose scales code them.
package struct RefinedSymbols: Sendable, Equatable {
    /// Channel-major (C x h x w).
    package var symbols: [Int32]
    /// The z symbols (1, Z, ceil(h / hyperRate), ceil(w / hyperRate)) to code before `symbols` (a
    /// `HyperpriorCoding` family); nil: the codec derives z from the latent, as it does without a search.
    package var hyperLatent: Tensor?

    package init(symbols: [Int32], hyperLatent: Tensor? = nil) {
        self.symbols = symbols
        self.hyperLatent = hyperLatent
    }
}
