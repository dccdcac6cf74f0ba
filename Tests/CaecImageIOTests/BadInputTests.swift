import CaecCore
import CaecImageIO
import Testing

@Suite struct BadInputTests {
    /// Each invalid or hostile input maps to one exact error (the `detail` strings are libpng 1.6's and
    /// libjpeg-turbo 2.1's own wording).
    @Test(arguments: [
        ("bad-truncated.png", ImageIOError.truncated(format: .png)),
        ("bad-crc-idat.png", .corrupt(format: .png, detail: "IDAT: CRC error")),
        (
            "bad-idat-4096x4096.png",
            .corrupt(format: .png, detail: "1024 bytes of IDAT data cannot hold 4096x4096 pixels")
        ),
        ("bomb-idat.png", .corrupt(format: .png, detail: "IDAT: Too much image data", recoverable: true)),
        ("huge-100000x100000.png", .tooLarge(width: 100_000, height: 100_000, limits: .default)),
        ("bad-truncated.jpg", .truncated(format: .jpeg, recoverable: true)),
        ("bad-huffman.jpg", .corrupt(format: .jpeg, detail: "bad Huffman code", recoverable: true)),
        ("sof-65000x65000.jpg", .tooLarge(width: 65000, height: 65000, limits: .default)),
    ])
    func fixtureFails(name: String, error: ImageIOError) throws {
        let bytes = try Fixtures.bytes(name)
        #expect(throws: error) { try ImageReader.read(bytes) }
    }

    @Test(
        arguments: [
            ([], ImageIOError.empty),
            (Array("hello, world".utf8), .notAnImage),
            (Array("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8), .notAnImage),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], .truncated(format: .png)),
            ([0xFF, 0xD8, 0xFF], .truncated(format: .jpeg)),
        ] as [([UInt8], ImageIOError)])
    func bytesFail(bytes: [UInt8], error: ImageIOError) {
        #expect(throws: error) { try ImageReader.read(bytes) }
    }

    @Test func everyTruncationOfAPNGThrows() throws {
        let bytes = try Fixtures.bytes("basi6a16.png")
        for length in stride(from: 1, to: bytes.count, by: 7) {
            #expect(throws: ImageIOError.self) { try ImageReader.read(Array(bytes[..<length])) }
        }
    }

    @Test func everyTruncationOfAJPEGThrows() throws {
        let bytes = try Fixtures.bytes("progressive.jpg")
        for length in stride(from: 1, to: bytes.count - 2, by: 5) {
            #expect(throws: ImageIOError.self) { try ImageReader.read(Array(bytes[..<length])) }
        }
    }

    /// Refused from the header alone. Peak memory of this test's process, measured with
    /// `/usr/bin/time -v .build/debug/caecPackageTests.xctest --testing-library swift-testing
    /// --filter hugeDeclaredSizeIsRefusedFromTheHeader`, stays at the runner's own baseline (about 25 MB).
    @Test func hugeDeclaredSizeIsRefusedFromTheHeader() throws {
        let bytes = try Fixtures.bytes("huge-100000x100000.png")
        for lenient in [false, true] {
            #expect(throws: ImageIOError.tooLarge(width: 100_000, height: 100_000, limits: .default)) {
                try ImageReader.read(bytes, options: .init(lenient: lenient))
            }
        }
    }

    @Test func missingIDATDataIsTruncationWhenTheFileIsCut() throws {
        let bytes = try Fixtures.bytes("bad-idat-4096x4096.png")
        #expect(throws: ImageIOError.truncated(format: .png)) { try ImageReader.read(Array(bytes.dropLast(12))) }
    }

    @Test func compressedTextIsSkippedNotInflated() throws {
        // A 32 MiB zTXt in front of a valid 1x1 image: read fine, and the text is never decompressed.
        let image = try ImageReader.read(try Fixtures.bytes("bomb-ztxt.png"))
        #expect(image == RGBImage(width: 1, height: 1, fill: (0x80, 0x80, 0x80)))
    }

    @Test func lenientReadStopsEarlyOnAZlibBomb() throws {
        let image = try ImageReader.read(try Fixtures.bytes("bomb-idat.png"), options: .init(lenient: true))
        #expect(image == RGBImage(width: 1, height: 1, fill: (0, 0, 0)))
    }

    @Test func callerLimitsAreReportedWithTheDeclaredSize() throws {
        let limits = ImageLimits(maxWidth: 20, maxHeight: 20, maxPixels: 100)
        let bytes = try Fixtures.bytes("basn2c08.png")
        #expect(throws: ImageIOError.tooLarge(width: 13, height: 11, limits: limits)) {
            try ImageReader.read(bytes, options: .init(limits: limits))
        }
        let jpeg = try Fixtures.bytes("ycc420.jpg")
        #expect(throws: ImageIOError.tooLarge(width: 37, height: 29, limits: limits)) {
            try ImageReader.read(jpeg, options: .init(limits: limits))
        }
    }

    @Test(arguments: [
        (ImageIOError.empty, "empty input (0 bytes)"),
        (.notAnImage, "not a PNG or JPEG image (unrecognised signature)"),
        (.truncated(format: .png), "truncated PNG data"),
        (.truncated(format: .jpeg, recoverable: true), "truncated JPEG data (--lenient decodes it anyway)"),
        (.unsupportedProcess(format: .jpeg, process: "lossless (SOF3)"), "unsupported JPEG process: lossless (SOF3)"),
        (.corrupt(format: .jpeg, detail: "Bogus marker length"), "corrupt JPEG data: Bogus marker length"),
        (
            .tooLarge(width: 100_000, height: 100_000, limits: .default),
            "image is 100000x100000, over the limit of 16384x16384 (see --max-side)"
        ),
        (
            .tooLarge(width: 10_000, height: 10_000, limits: .default),
            "image is 10000x10000 = 100000000 pixels, over the limit of 67108864 pixels (see --max-pixels)"
        ),
        (.unsupportedColorSpace("2 components"), "unsupported colour space (2 components)"),
        (.outOfMemory(detail: "cannot allocate 9x9 pixels"), "out of memory: cannot allocate 9x9 pixels"),
        (.encodingFailed("Image too wide"), "cannot encode image: Image too wide"),
    ])
    func descriptions(error: ImageIOError, text: String) {
        #expect(error.description == text)
    }
}
