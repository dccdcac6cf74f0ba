extension CaecCodec {
    /// The files for `image` at every quality in `qualities`, running the encoder network once.
    ///
    /// Element `q - 1` is byte-identical to `encode(image, quality: q)`: the latent does not depend on the quality,
    /// only its quantisation and tables do (a model with one network per quality runs each once). For evaluation,
    /// which needs the whole ladder of every image.
    ///
    /// - Throws: `CaecError` `.tooLarge` as `encode` does.
    package func encodeAllQualities(_ image: RGBImage, metadata: CaecMetadata = .init()) throws(CaecError)
        -> [[UInt8]]
    {
        try withThreads { () throws(CaecError) in
            let shared = try sharedLatent(image)
            var files: [[UInt8]] = []
            for quality in qualities {
                let latent = try latent(image, quality: quality, reusing: shared)
                files.append(
                    try file(
                        latent: latent, quality: quality, width: image.width, height: image.height, metadata: metadata))
            }
            return files
        }
    }
}
