extension CaecCodec {
    /// The files for `image` at every quality in `qualities`, running the encoder network once.
    ///
    /// Element `q - 1` is byte-identical to `encode(image, quality: q)`: the latent does not depend on the quality,
    /// only its quantisation and tables do. For evaluation, which needs the whole ladder of every image.
    ///
    /// - Throws: `CaecError` `.tooLarge` as `encode` does.
    package func encodeAllQualities(_ image: RGBImage, metadata: CaecMetadata = .init()) throws(CaecError)
        -> [[UInt8]]
    {
        try withThreads { () throws(CaecError) in
            let latent = try latent(image)
            var files: [[UInt8]] = []
            for quality in qualities {
                files.append(
                    try file(
                        latent: latent, quality: quality, width: image.width, height: image.height, metadata: metadata))
            }
            return files
        }
    }
}
