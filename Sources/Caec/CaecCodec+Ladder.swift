import CaecEntropy
import CaecFormat

extension CaecCodec {
    /// The files for `image` at every quality in `qualities`, running the encoder network once.
    ///
    /// Element `q - 1` is byte-identical to `encode(image, quality: q)`: the latent does not depend on the quality,
    /// only its quantisation and tables do. For evaluation, which needs the whole ladder of every image.
    ///
    /// - Throws: `CaecError` `.tooLarge` as `encode` does.
    package func encodeAllQualities(_ image: RGBImage) throws(CaecError) -> [[UInt8]] {
        guard image.width <= CAEConstants.maxSide, image.height <= CAEConstants.maxSide else {
            throw CaecError(.tooLarge, "image is \(image.width)x\(image.height), over the .cae limit of 65536 a side")
        }
        let latent = model.latent(PixelConversion.paddedTensor(image, multiple: rate))
        let planeSize = latent.shape[2] * latent.shape[3]
        return qualities.map { quality in
            let point = model.operatingPoints[quality - 1]
            let symbols = model.symbols(latent, quality: quality)
            let payload = RANSEncoder.encode(symbols: symbols, planeSize: planeSize, tables: point.tables)
            let header = CAEHeader(
                modelCode: model.modelCode, quality: UInt8(quality), fingerprint: model.fingerprint(quality: quality),
                width: image.width, height: image.height, payloadLength: payload.count)
            return CAEWriter.file(header: header, payload: payload)
        }
    }
}
