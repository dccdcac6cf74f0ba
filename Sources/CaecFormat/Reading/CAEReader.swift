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
        // §3.5: version 1.2 adds quality_fraction, never 0 (an integer quality is written without the field).
        var qualityFraction: UInt8 = 0
        if version & 15 >= CAEConstants.versionMinorFractionalQuality {
            try need(1)
            qualityFraction = try! reader.readUInt8()
            guard qualityFraction != 0 else { throw .invalidField("quality fraction 0 (an integer quality)") }
        }
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
        // §4: gray exists from version 1.1 on.
        let colour = colourQuality >> 6
        guard colour == CAEConstants.colourSRGB8 || (colour == CAEConstants.colourGray8 && version & 15 >= 1) else {
            throw .unsupportedColour(code: colour)
        }
        let header = CAEHeader(
            modelCode: modelCode, quality: colourQuality & 0x3F, fingerprint: fingerprint, width: width,
            height: height, payloadLength: payloadLength, colour: colourQuality >> 6, versionMajor: major,
            versionMinor: version & 15, qualityFraction: qualityFraction)
        return (header, reader.offset)
    }

    /// Reads the whole container: the header (as `peek`), then the payload, its CRC, and the metadata blocks of a
    /// version 1.1 file (§11; a 1.0 file must end after the payload CRC). `limits` bounds the image size before the
    /// caller allocates anything for it. Blocks of unknown types are returned too unless critical, which is an
    /// error.
    package static func read(_ bytes: [UInt8], limits: ImageLimits = .default) throws(CAEFormatError) -> (
        header: CAEHeader, payload: ArraySlice<UInt8>, blocks: [CAEBlock]
    ) {
        let (header, offset) = try peek(bytes)
        let (payload, blocks) = try body(bytes, header: header, payloadOffset: offset, limits: limits)
        return (header, payload, blocks)
    }

    /// The rest of `read` once `peek` has returned `header` and `payloadOffset` for `bytes`: the size limits, the
    /// payload, its CRC, and the metadata blocks (none in a 1.0 file, which must end after the payload CRC).
    package static func body(_ bytes: [UInt8], header: CAEHeader, payloadOffset offset: Int, limits: ImageLimits)
        throws(CAEFormatError) -> (payload: ArraySlice<UInt8>, blocks: [CAEBlock])
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
        guard header.versionMinor >= CAEConstants.versionMinorMetadata else {
            guard bytes.count == end else { throw .trailingData(count: bytes.count - end) }
            return (payload, [])
        }
        return (payload, try blocks(bytes, from: end))
    }

    /// The metadata blocks from `offset` to the end of the file (§11.2): type, varint length, data, CRC-32.
    private static func blocks(_ bytes: [UInt8], from offset: Int) throws(CAEFormatError) -> [CAEBlock] {
        var reader = ByteReader(bytes, offset: offset)
        var blocks: [CAEBlock] = []
        while reader.remaining > 0 {
            let start = reader.offset
            let typeByte = try! reader.readUInt8()
            let parsed: UInt64?
            do { parsed = try reader.readVarUInt(maxBytes: 5) } catch {
                throw .truncated(section: .metadata, needed: error.offset + error.needed, available: bytes.count)
            }
            guard let length = parsed, length <= UInt64(CAEConstants.maxBlockLength) else {
                throw .invalidField("metadata block length out of range")
            }
            let dataStart = reader.offset
            let end = dataStart + Int(length) + 4
            guard bytes.count >= end else { throw .truncated(section: .metadata, needed: end, available: bytes.count) }
            var crcReader = ByteReader(bytes, offset: dataStart + Int(length))
            let declared = try! crcReader.readUInt32()
            let computed = CRC32.checksum(bytes[start..<dataStart + Int(length)])
            guard declared == computed else {
                throw .checksumMismatch(section: .metadata, declared: declared, computed: computed)
            }
            let block = CAEBlock(
                type: typeByte & ~CAEConstants.blockCriticalBit,
                critical: typeByte & CAEConstants.blockCriticalBit != 0,
                data: Array(bytes[dataStart..<dataStart + Int(length)]))
            // §11.3: unknown critical blocks stop the reader; a known type appears at most once.
            guard block.isKnown || !block.critical else { throw .unsupportedCriticalBlock(type: block.type) }
            if block.isKnown && blocks.contains(where: { $0.type == block.type }) {
                throw .invalidField("metadata block of type \(block.type) appears twice")
            }
            blocks.append(block)
            reader = crcReader
        }
        return blocks
    }
}
