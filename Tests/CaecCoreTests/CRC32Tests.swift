import CaecCore
import Testing

@Suite struct CRC32Tests {
    @Test func knownVectors() {
        // The check value of CRC-32/ISO-HDLC.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func continuingEqualsWhole() {
        let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
        let whole = CRC32.checksum(bytes)
        let split = CRC32.checksum(bytes[10...], continuing: CRC32.checksum(bytes[..<10]))
        #expect(whole == 0x414F_A339)
        #expect(split == whole)
    }
}
