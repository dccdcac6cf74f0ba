import CaecCore
import CaecImageIO
import CaecMetrics
import Testing

@testable import CaecEval

@Suite struct JPEGScanTests {
    /// SOI, APP0 (16), DQT (5, preceded by two fill bytes), SOS (12), 5 data bytes (one stuffed 0xFF 0x00), EOI.
    static let synthetic: [UInt8] =
        [0xFF, 0xD8]
        + [0xFF, 0xE0, 0x00, 0x10] + Array(repeating: 0x41, count: 14)
        + [0xFF, 0xFF, 0xFF, 0xDB, 0x00, 0x05, 1, 2, 3]
        + [0xFF, 0xDA, 0x00, 0x0C] + Array(repeating: 0x11, count: 10)
        + [0x12, 0xFF, 0x00, 0x34, 0x56]
        + [0xFF, 0xD9]

    @Test func synthetic_file_segments() throws {
        #expect(try JPEGScan.scanStart(Self.synthetic) == 2 + 18 + 9 + 14)
        #expect(try JPEGScan.scanByteCount(Self.synthetic) == 7)
    }

    @Test func libjpeg_file_matches_a_manual_marker_walk() throws {
        let image = TestImages.gradient(width: 32, height: 32)
        let file = try JPEGWriter.encode(image, quality: 50, subsampling: .yuv420)
        // Manual walk: every segment before SOS is FF xx LL LL with length LL LL.
        var offset = 2
        var markers: [UInt8] = []
        while file[offset + 1] != 0xDA {
            #expect(file[offset] == 0xFF)
            markers.append(file[offset + 1])
            offset += 2 + Int(file[offset + 2]) << 8 + Int(file[offset + 3])
        }
        // A three-component SOS header is 12 bytes after its marker.
        #expect(Array(file[offset..<offset + 4]) == [0xFF, 0xDA, 0x00, 0x0C])
        #expect(markers.contains(0xDB) && markers.contains(0xC4) && markers.contains(0xC0))
        #expect(try JPEGScan.scanByteCount(file) == file.count - (offset + 14))
        #expect(Array(file.suffix(2)) == [0xFF, 0xD9])
    }

    @Test func malformed_files_throw_exact_errors() {
        let cases: [([UInt8], BaselineError)] = [
            ([], .malformedJPEG(offset: 0, reason: "no SOI marker")),
            ([0x89, 0x50], .malformedJPEG(offset: 0, reason: "no SOI marker")),
            ([0xFF, 0xD8], .missingScan),
            ([0xFF, 0xD8, 0xFF, 0xD9], .missingScan),
            ([0xFF, 0xD8, 0x00], .malformedJPEG(offset: 2, reason: "expected a marker, found byte 0")),
            ([0xFF, 0xD8, 0xFF, 0xE0, 0x00], .truncatedJPEG(expected: 2, available: 1)),
            ([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x00], .truncatedJPEG(expected: 16, available: 3)),
            ([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01], .malformedJPEG(offset: 4, reason: "segment length 1")),
            (Array(Self.synthetic.prefix(36)), .truncatedJPEG(expected: 12, available: 5)),
        ]
        for (bytes, expected) in cases {
            #expect(throws: expected) { try JPEGScan.scanByteCount(bytes) }
        }
    }

    @Test func jpeg_baseline_measures_and_decodes() throws {
        let image = TestImages.gradient(width: 32, height: 32)
        let low = try JPEGBaseline.run(image, quality: 5)
        let high = try JPEGBaseline.run(image, quality: 95)
        #expect(low.file.count < high.file.count && low.scanBytes < high.scanBytes)
        #expect(low.file.count - low.scanBytes > 280)  // tables and headers
        #expect(PixelError.psnr(image, high.decoded) > PixelError.psnr(image, low.decoded))
    }
}

@Suite struct WebPTests {
    @Test func round_trip() throws {
        let image = TestImages.gradient(width: 32, height: 32)
        let file = try WebPCodec.encode(image, quality: 90)
        #expect(Array(file.prefix(4)) == Array("RIFF".utf8))
        #expect(Array(file[8..<12]) == Array("WEBP".utf8))
        let decoded = try WebPCodec.decode(file)
        #expect(decoded.width == 32 && decoded.height == 32)
        #expect(PixelError.psnr(image, decoded) > 30)
        let small = try WebPCodec.encode(image, quality: 5)
        #expect(small.count < file.count)
        #expect(try WebPCodec.encode(image, quality: 90) == file)  // deterministic
    }

    @Test func odd_sizes() throws {
        for (w, h) in [(1, 1), (7, 3), (33, 17)] {
            let image = TestImages.gradient(width: w, height: h)
            let decoded = try WebPCodec.decode(try WebPCodec.encode(image, quality: 75))
            #expect(decoded.width == w && decoded.height == h)
        }
    }

    @Test func garbage_and_limits_throw() throws {
        #expect(throws: BaselineError.self) { try WebPCodec.decode([1, 2, 3, 4]) }
        let file = try WebPCodec.encode(TestImages.gradient(width: 40, height: 40), quality: 50)
        #expect(throws: BaselineError.self) { try WebPCodec.decode(Array(file.prefix(file.count / 2))) }
        let tight = ImageLimits(maxWidth: 100, maxHeight: 100, maxPixels: 1000)
        #expect(throws: BaselineError.self) { try WebPCodec.decode(file, limits: tight) }
    }
}
