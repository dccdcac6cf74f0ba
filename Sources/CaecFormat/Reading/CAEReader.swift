import CaecCore

/// Parses and validates a `.cae` container (Spec/cae-format.md §3, §8). Knows nothing of models: the codec checks
/// the model code and fingerprint.
package enum CAEReader {
    /// Reads and checks the header only (signature, version, fields, header CRC): what `caec info` shows.
    /// Returns the header and the offset where the payload starts.
    package static func peek(_ bytes: [UInt8]) throws(CAEFormatError) -> (header: CAEHeader, payloadOffset: Int) {
        guard !bytes.isEmpty else { throw .empty }
        var reader = ByteReader(bytes)
        func need(_ count: Int) throws(CAEFormatError) {
            if reader.remaining < count {
                throw .truncated(section: .header, needed: reader.offset + count, available: bytes.count)
            }
        }
        func varint(_ what: String, max: Int) throws(CAEFormatError) -> Int {
            let parsed: UInt64?
            do { parsed = try reader.readVarUInt(maxBytes: 5) } catch {
                throw .truncated(section: .header, needed: error.offset + error.needed, available: bytes.count)
            }
            guard let value = parsed, value <= UInt64(max) else { throw .invalidField("\(what) out of range") }
            return Int(value)
        }
        try need(1)
        let signature = try! reader.readUInt8()
        guard signature == CAEConstants.signature else { throw .badSignature(found: signature) }
        try need(5)
        let version = try! reader.readUInt8()
        let major = version >> 4
        guard major == CAEConstants.versionMajor else {
            if major > CAEConstants.versionMajor {
                throw .unsupportedVersion(major: major, newestSupported: CAEConstants.versionMajor)
            }
            throw .invalidField("version \(major).\(version & 15)")
        }
        let modelCode = try! reader.readUInt8()
        let colourQuality = try! reader.readUInt8()
        let fingerprint = try! reader.readUInt16()
        let width = try varint("width", max: CAEConstants.maxSide - 1) + 1
        let height = try varint("height", max: CAEConstants.maxSide - 1) + 1
        let payloadLength = try varint("payload length", max: CAEConstants.maxPayloadLength)
        let headerEnd = reader.offset
        try need(2)
        let declared = UInt32(try! reader.readUInt16())
        let computed = CRC32.checksum(bytes[0..<headerEnd]) & 0xFFFF
        guard declared == computed else {
            throw .checksumMismatch(section: .header, declared: declared, computed: computed)
        }
        guard colourQuality >> 6 == CAEConstants.colourSRGB8 else { throw .unsupportedColour(code: colourQuality >> 6) }
        let header = CAEHeader(
            modelCode: modelCode, quality: colourQuality & 0x3F, fingerprint: fingerprint, width: width,
            height: height, payloadLength: payloadLength, colour: colourQuality >> 6, versionMajor: major,
            versionMinor: version & 15)
        return (header, reader.offset)
    }

    /// Reads the whole container: the header (as `peek`), then the payload, its CRC, and checks that nothing
    /// follows. `limits` bounds the image size before the caller allocates anything for it.
    package static func read(_ bytes: [UInt8], limits: ImageLimits = .default) throws(CAEFormatError) -> (
        header: CAEHeader, payload: ArraySlice<UInt8>
    ) {
        let (header, offset) = try peek(bytes)
        return (header, try payload(bytes, header: header, payloadOffset: offset, limits: limits))
    }

    /// The rest of `read` once `peek` has returned `header` and `payloadOffset` for `bytes`: the size limits, the
    /// payload, its CRC, and that nothing follows.
    package static func payload(_ bytes: [UInt8], header: CAEHeader, payloadOffset offset: Int, limits: ImageLimits)
        throws(CAEFormatError) -> ArraySlice<UInt8>
    {
        guard limits.admits(width: header.width, height: header.height) else {
            throw .dimensionsTooLarge(width: header.width, height: header.height)
        }
        let end = offset + header.payloadLength + 4
        guard bytes.count >= end else {
            throw .truncated(section: .payload, needed: end, available: bytes.count)
        }
        let payload = bytes[offset..<offset + header.payloadLength]
        var reader = ByteReader(bytes, offset: offset + header.payloadLength)
        let declared = try! reader.readUInt32()
        let computed = CRC32.checksum(payload)
        guard declared == computed else {
            throw .checksumMismatch(section: .payload, declared: declared, computed: computed)
        }
        guard bytes.count == end else { throw .trailingData(count: bytes.count - end) }
        return payload
    }
}
