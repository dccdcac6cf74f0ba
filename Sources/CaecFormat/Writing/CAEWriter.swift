import CaecCore

/// Serialises a `.cae` container (Spec/cae-format.md §3).
package enum CAEWriter {
    /// The header's bytes, header CRC included.
    package static func headerBytes(_ header: CAEHeader) -> [UInt8] {
        precondition(header.width >= 1 && header.height >= 1, "CAEWriter: empty image")
        precondition(
            header.width <= CAEConstants.maxSide && header.height <= CAEConstants.maxSide, "CAEWriter: too big")
        precondition(header.quality <= CAEConstants.maxQuality && header.colour <= 3, "CAEWriter: field out of range")
        precondition(header.versionMajor <= 15 && header.versionMinor <= 15, "CAEWriter: version out of range")
        var writer = ByteWriter(capacity: 16)
        writer.write(CAEConstants.signature)  // §3.1
        writer.write(header.versionMajor << 4 | header.versionMinor)  // §3.2
        writer.write(header.modelCode)  // §3.3
        writer.write(header.colour << 6 | header.quality)  // §3.4
        writer.write(header.fingerprint)  // §3.4
        if header.versionMinor >= CAEConstants.versionMinorFractionalQuality {
            precondition(header.qualityFraction != 0, "CAEWriter: a version 1.2 header needs a quality fraction")
            writer.write(header.qualityFraction)  // §3.5
        }
        writer.writeVarUInt(UInt64(header.width - 1))  // §3.6
        writer.writeVarUInt(UInt64(header.height - 1))
        writer.writeVarUInt(UInt64(header.payloadLength))  // §3.7
        writer.write(UInt16(truncatingIfNeeded: CRC32.checksum(writer.bytes)))  // §3.8
        return writer.bytes
    }

    /// The whole file: header, payload, payload CRC, then the metadata blocks (§11). `header.payloadLength` is
    /// set from `payload`; the version is 1.2 when the quality has a fraction, else 1.1 when there are blocks or the
    /// colour code is gray, else 1.0, so a plain RGB file is byte for byte what version 1.0 wrote (§3.2.1).
    package static func file(header: CAEHeader, payload: [UInt8], blocks: [CAEBlock] = []) -> [UInt8] {
        var header = header
        header.payloadLength = payload.count
        if !blocks.isEmpty || header.colour != CAEConstants.colourSRGB8 {
            header.versionMinor = max(header.versionMinor, CAEConstants.versionMinorMetadata)
        }
        if header.qualityFraction != 0 {
            header.versionMinor = max(header.versionMinor, CAEConstants.versionMinorFractionalQuality)
        }
        var bytes = headerBytes(header)
        bytes.append(contentsOf: payload)
        var trailer = ByteWriter(capacity: 4)
        trailer.write(CRC32.checksum(payload))  // §3.9
        bytes.append(contentsOf: trailer.bytes)
        for block in blocks {
            precondition(block.data.count <= CAEConstants.maxBlockLength, "CAEWriter: metadata block too large")
            var writer = ByteWriter(capacity: block.data.count + 10)
            writer.write(block.type | (block.critical ? CAEConstants.blockCriticalBit : 0))  // §11.2
            writer.writeVarUInt(UInt64(block.data.count))
            writer.write(block.data)
            writer.write(CRC32.checksum(writer.bytes))
            bytes.append(contentsOf: writer.bytes)
        }
        return bytes
    }
}
