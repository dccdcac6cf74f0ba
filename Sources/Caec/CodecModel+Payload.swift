import CaecEntropy
import CaecModel
import CaecTensor

/// The shared conditional tables of a hyperprior model: table i codes latent elements whose predicted scale has
/// index i (Spec/cae-format.md §9.1).
package struct ConditionalTables: Sendable {
    /// Ascending; an element's index is the first bound at least its predicted scale.
    package let bounds: [Float]
    package let tables: [FrequencyTable]
}

// Spec/cae-format.md §9: the payload of a latent's symbols.
extension CodecModel {
    /// The payload of `symbols` (channel-major) of `latent` (1, C, h, w) at `quality`: one stream with the
    /// quality's per-channel tables, or, for a hyperprior model, the z stream and the y stream (§9.1).
    package func payload(symbols: [Int32], latent: Tensor, quality: Int) -> [UInt8] {
        payload(symbols: symbols, latent: latent, quality: ModelQuality(index: quality))
    }

    /// `payload(symbols:latent:quality:)` at any quality the model `contains`; for a hyperprior model, with the z
    /// symbols `hyperLatent` when a latent search chose them (`RefinedSymbols`), else z of `latent`.
    package func payload(symbols: [Int32], latent: Tensor, quality: ModelQuality, hyperLatent: Tensor? = nil)
        -> [UInt8]
    {
        let point = operatingPoint(quality)
        let (h, w) = (latent.shape[2], latent.shape[3])
        guard let hyper = network as? any HyperpriorCoding, let conditional else {
            return RANSEncoder.encode(symbols: symbols, planeSize: h * w, tables: point.tables)
        }
        let z = hyperLatent ?? hyper.hyperLatentSymbols(latent, quality: quality, parameters)
        let indices = hyper.scaleIndices(
            z, quality: quality.index, height: h, width: w, bounds: conditional.bounds, parameters)
        let zStream = RANSEncoder.encode(
            symbols: z.data.map { Int32($0) }, planeSize: z.shape[2] * z.shape[3], tables: point.tables)
        let yStream = RANSEncoder.encode(symbols: symbols, tableIndices: indices, tables: conditional.tables)
        return HyperpriorPayload.join(z: zStream, y: yStream)
    }

    /// The symbols (channel-major, C x h x w) coded in `payload` at `quality`.
    ///
    /// - Throws: `.invalidFile` naming the stream (and for a hyperprior model, which one) that is truncated,
    ///   corrupt or followed by extra bytes.
    package func symbols(payload: ArraySlice<UInt8>, height h: Int, width w: Int, quality: Int) throws(CaecError)
        -> [Int32]
    {
        try symbols(payload: payload, height: h, width: w, quality: ModelQuality(index: quality))
    }

    /// `symbols(payload:height:width:quality:)` at any quality the model `contains`.
    package func symbols(payload: ArraySlice<UInt8>, height h: Int, width w: Int, quality: ModelQuality)
        throws(CaecError) -> [Int32]
    {
        let point = operatingPoint(quality)
        guard let hyper = network as? any HyperpriorCoding, let conditional else {
            do {
                return try RANSDecoder.decode(payload, planeSize: h * w, tables: point.tables)
            } catch { throw CaecError(.invalidFile, "payload: \(error.description)") }
        }
        let (zBytes, yBytes) = try HyperpriorPayload.split(payload)
        let r = hyper.hyperRate
        let (zh, zw) = ((h + r - 1) / r, (w + r - 1) / r)
        let zSymbols: [Int32]
        do {
            zSymbols = try RANSDecoder.decode(zBytes, planeSize: zh * zw, tables: point.tables)
        } catch { throw CaecError(.invalidFile, "payload: z stream: \(error.description)") }
        let z = Tensor(shape: [1, point.tables.count, zh, zw], data: zSymbols.map(Float.init))
        let indices = hyper.scaleIndices(
            z, quality: quality.index, height: h, width: w, bounds: conditional.bounds, parameters)
        do {
            return try RANSDecoder.decode(yBytes, tableIndices: indices, tables: conditional.tables)
        } catch { throw CaecError(.invalidFile, "payload: y stream: \(error.description)") }
    }
}
