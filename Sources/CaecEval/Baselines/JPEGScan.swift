/// The size of a JPEG file's entropy-coded payload, found by walking its markers.
///
/// "Scan only" counts the bytes after the first SOS segment header to the end of the file: the entropy-coded data
/// and the EOI marker (REFERENCE.md's definition). Everything before it (SOI, APPn, DQT, SOF, DHT, the SOS header
/// itself) is header. For baseline files, which have one scan, that is exactly the coded image; a progressive
/// file's later scan headers and tables would count as payload.
package enum JPEGScan {
    /// The number of bytes from the end of the first SOS segment header to the end of `file`.
    ///
    /// - Throws: `BaselineError` `.malformedJPEG` (no SOI, a byte other than a marker where one must be, a
    ///   segment length below 2), `.truncatedJPEG`, `.missingScan` (EOI or end of file before any SOS).
    package static func scanByteCount(_ file: [UInt8]) throws(BaselineError) -> Int {
        try scanStart(file).distance(to: file.count)
    }

    /// The offset of the first byte after the first SOS segment header.
    package static func scanStart(_ file: [UInt8]) throws(BaselineError) -> Int {
        guard file.count >= 2, file[0] == 0xFF, file[1] == 0xD8 else {
            throw .malformedJPEG(offset: 0, reason: "no SOI marker")
        }
        var offset = 2
        while true {
            guard offset < file.count else { throw .missingScan }
            guard file[offset] == 0xFF else {
                throw .malformedJPEG(offset: offset, reason: "expected a marker, found byte \(file[offset])")
            }
            // Any number of 0xFF fill bytes may precede a marker code (ITU T.81 B.1.1.2).
            while offset < file.count && file[offset] == 0xFF { offset += 1 }
            guard offset < file.count else { throw .missingScan }
            let code = file[offset]
            offset += 1
            switch code {
            case 0xD9: throw .missingScan  // EOI
            case 0x01, 0xD0...0xD7: continue  // TEM, RSTn: markers without a length
            case 0xD8, 0x00: throw .malformedJPEG(offset: offset - 1, reason: "unexpected marker code \(code)")
            default: break
            }
            guard file.count - offset >= 2 else { throw .truncatedJPEG(expected: 2, available: file.count - offset) }
            let length = Int(file[offset]) << 8 | Int(file[offset + 1])
            guard length >= 2 else { throw .malformedJPEG(offset: offset, reason: "segment length \(length)") }
            guard file.count - offset >= length else {
                throw .truncatedJPEG(expected: length, available: file.count - offset)
            }
            offset += length
            if code == 0xDA { return offset }  // SOS
        }
    }
}
