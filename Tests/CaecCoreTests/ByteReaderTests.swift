import CaecCore
import Testing

@Suite struct ByteReaderTests {
    @Test func roundTripsIntegers() throws {
        var writer = ByteWriter()
        writer.write(UInt8(0xAB))
        writer.write(UInt16(0xBEEF))
        writer.write(UInt32(0xDEAD_BEEF))
        writer.write(UInt64(0x0123_4567_89AB_CDEF))
        for value: UInt64 in [0, 1, 127, 128, 300, 1 << 35, .max] { writer.writeVarUInt(value) }
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readUInt8() == 0xAB)
        #expect(try reader.readUInt16() == 0xBEEF)
        #expect(try reader.readUInt32() == 0xDEAD_BEEF)
        #expect(try reader.readUInt64() == 0x0123_4567_89AB_CDEF)
        for value: UInt64 in [0, 1, 127, 128, 300, 1 << 35, .max] { #expect(try reader.readVarUInt() == value) }
        #expect(reader.isAtEnd)
    }

    @Test func littleEndianLayout() {
        var writer = ByteWriter()
        writer.write(UInt32(0x0403_0201))
        #expect(writer.bytes == [1, 2, 3, 4])
    }

    @Test func readPastEndThrowsWithEvidence() {
        var reader = ByteReader([1, 2, 3])
        #expect(throws: ByteReader.OutOfBytes(offset: 0, needed: 4, available: 3)) { try reader.readUInt32() }
        #expect(reader.offset == 0)
    }

    @Test func overlongVarUIntIsRejected() throws {
        var reader = ByteReader([UInt8](repeating: 0xFF, count: 11))
        #expect(try reader.readVarUInt() == nil)
    }
}
