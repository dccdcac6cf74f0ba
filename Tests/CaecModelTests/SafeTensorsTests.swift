import CaecModel
import CaecTensor
import CaecTestSupport
import Testing

/// A hand-made file: the 8-byte length, `header` as UTF-8, then `data`.
private func file(_ header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    let length = declaredLength ?? UInt64(headerBytes.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: length >> UInt64(8 * $0)) } + headerBytes + data
}

private func floats(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> UInt32(8 * $0)) } }
}

private func entry(_ name: String, _ dtype: String = "F32", shape: [Int], _ begin: Int, _ end: Int) -> String {
    "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
}

/// One malformed file and the exact error it must raise.
struct MalformedSafeTensors: CustomTestStringConvertible, Sendable {
    let label: String
    let bytes: [UInt8]
    let error: SafeTensorsError
    var testDescription: String { label }

    static let all: [MalformedSafeTensors] = [
        .init(label: "shorter-than-length", bytes: [1, 0, 0], error: .truncated(needed: 8, available: 3)),
        .init(
            label: "header-length-over-file", bytes: file("{}", declaredLength: 100),
            error: .truncated(needed: 108, available: 10)),
        .init(
            label: "header-length-over-limit", bytes: file("{}", declaredLength: 1 << 40),
            error: .headerTooLarge(declared: 1 << 40, limit: 100_000_000)),
        .init(
            label: "header-not-object", bytes: file("[]"),
            error: .invalidHeader("the header must start with '{'")),
        .init(
            label: "json-truncated", bytes: file("{\"a\":"),
            error: .invalidJSON(offset: 5, reason: "unexpected end of the JSON text")),
        .init(
            label: "json-trailing-garbage", bytes: file("{} x"),
            error: .invalidJSON(offset: 3, reason: "unexpected data after the JSON value")),
        .init(
            label: "json-too-deep", bytes: file("{\"a\":" + String(repeating: "[", count: 40)),
            error: .invalidJSON(offset: 20, reason: "nesting deeper than 16")),
        .init(
            label: "json-lone-surrogate", bytes: file("{\"\\ud800\":{}}"),
            error: .invalidJSON(offset: 8, reason: "lone high surrogate")),
        .init(
            label: "json-control-character", bytes: file("{\"a\tb\":{}}"),
            error: .invalidJSON(offset: 3, reason: "unescaped control character in a string")),
        .init(
            label: "duplicate-name",
            bytes: file("{\(entry("a", shape: [1], 0, 4)),\(entry("a", shape: [1], 4, 8))}", data: floats([1, 2])),
            error: .duplicateName("a")),
        .init(
            label: "metadata-not-strings", bytes: file("{\"__metadata__\":{\"epochs\":5}}"),
            error: .invalidMetadata("the value of 'epochs' is a number, not a string")),
        .init(
            label: "entry-not-object", bytes: file("{\"a\":[1]}"),
            error: .invalidEntry(name: "a", reason: "the entry is an array, not an object")),
        .init(
            label: "entry-missing-field", bytes: file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}"),
            error: .invalidEntry(name: "a", reason: "needs the fields dtype, shape and data_offsets")),
        .init(
            label: "entry-unknown-field",
            bytes: file("{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"x\":1}}", data: floats([1])),
            error: .invalidEntry(name: "a", reason: "unknown field 'x'")),
        .init(
            label: "negative-offset", bytes: file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}"),
            error: .invalidEntry(name: "a", reason: "data_offsets must be two integers [begin, end], begin <= end")),
        .init(
            label: "fractional-extent",
            bytes: file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}"),
            error: .invalidEntry(name: "a", reason: "shape holds something other than a non-negative integer")),
        .init(
            label: "rank-over-limit", bytes: file("{\(entry("a", shape: [Int](repeating: 1, count: 9), 0, 4))}"),
            error: .invalidEntry(name: "a", reason: "rank 9 exceeds 8")),
        .init(
            label: "shape-overflows",
            bytes: file("{\(entry("a", shape: [1 << 40, 1 << 40], 0, 4))}", data: floats([1])),
            error: .invalidEntry(name: "a", reason: "shape [1099511627776, 1099511627776]... overflows")),
        .init(
            label: "unsupported-dtype", bytes: file("{\(entry("ids", "I32", shape: [1], 0, 4))}", data: [1, 0, 0, 0]),
            error: .unsupportedDType(name: "ids", dtype: "I32")),
        .init(
            label: "byte-count-mismatch", bytes: file("{\(entry("a", shape: [2], 0, 4))}", data: floats([1])),
            error: .byteCountMismatch(name: "a", shape: [2], dtype: "F32", expected: 8, found: 4)),
        .init(
            label: "offsets-out-of-range", bytes: file("{\(entry("a", shape: [2], 0, 8))}", data: floats([1])),
            error: .offsetsOutOfRange(name: "a", begin: 0, end: 8, dataLength: 4)),
        .init(
            label: "overlapping-offsets",
            bytes: file("{\(entry("a", shape: [2], 0, 8)),\(entry("b", shape: [2], 4, 12))}", data: floats([1, 2, 3])),
            error: .overlappingOffsets(first: "a", second: "b")),
        .init(
            label: "hole-between-tensors",
            bytes: file("{\(entry("a", shape: [1], 0, 4)),\(entry("b", shape: [1], 8, 12))}", data: floats([1, 2, 3])),
            error: .unusedBytes(begin: 4, end: 8)),
        .init(
            label: "bytes-after-last-tensor", bytes: file("{\(entry("a", shape: [1], 0, 4))}", data: floats([1, 2])),
            error: .unusedBytes(begin: 4, end: 8)),
        .init(
            label: "nan", bytes: file("{\(entry("w", shape: [2], 0, 8))}", data: floats([1, .nan])),
            error: .nonFiniteValue(name: "w", index: 1)),
        .init(
            label: "f16-infinity", bytes: file("{\(entry("h", "F16", shape: [2], 0, 4))}", data: [0, 0x3C, 0, 0x7C]),
            error: .nonFiniteValue(name: "h", index: 1)),
        .init(
            label: "f64-beyond-float",
            bytes: file(
                "{\(entry("d", "F64", shape: [1], 0, 8))}",
                data: (0..<8).map { UInt8(truncatingIfNeeded: (1e300 as Double).bitPattern >> UInt64(8 * $0)) }),
            error: .nonFiniteValue(name: "d", index: 0)),
    ]
}

@Suite struct SafeTensorsTests {
    static let sample = SafeTensors(
        tensors: [
            .init(name: "g_a.0.weight", shape: [2, 1, 2, 2], values: [1, -2, 0.5, 3e-38, -0, 7, 8, 9]),
            .init(name: "scalar", shape: [], values: [42]),
            .init(name: "empty", shape: [0, 3], values: []),
            .init(
                name: "quote\"back\\slash\ttab é", shape: [3],
                values: [.leastNonzeroMagnitude, -1, .greatestFiniteMagnitude]),
        ],
        metadata: ["arch": "bmshj2018-factorized", "note": "line\nbreak \u{1} ✓"])

    @Test func roundTripIsExact() throws {
        let bytes = Self.sample.serialized()
        let parsed = try SafeTensors(parsing: bytes)
        #expect(parsed == Self.sample)
        #expect(
            parsed.tensors.map(\.values).flatMap { $0 }.map(\.bitPattern)
                == Self.sample.tensors.map(\.values).flatMap { $0 }.map(\.bitPattern))
        // The data starts 8-byte aligned, as the reference writer pads it.
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect((8 + headerLength) % 8 == 0)
        #expect(bytes.count == 8 + headerLength + 4 * 12)
    }

    /// A file written by Python's `safetensors` library (scripts/compressai/make_fixture.py): every readable dtype,
    /// a scalar, an empty tensor, metadata with escapes and non-ASCII text.
    @Test func readsPythonWrittenFile() throws {
        let file = try SafeTensors(parsing: Golden.required("Tests/Fixtures/safetensors/python-dtypes.safetensors"))
        #expect(file.metadata == ["written_by": "safetensors.torch.save_file", "unicode": "café ✓ \"q\""])
        let byName = Dictionary(uniqueKeysWithValues: file.tensors.map { ($0.name, $0) })
        #expect(Set(byName.keys) == ["f32", "f16", "bf16", "f64", "scalar", "empty"])
        #expect(byName["f32"] == .init(name: "f32", shape: [2, 3], values: [1.5, -2.25, 3.0e-38, 0, -0.0, 65504]))
        #expect(byName["f32"]!.values[4].sign == .minus)
        #expect(
            byName["f16"]
                == .init(
                    name: "f16", shape: [6], values: [1, -2, 0.5, 65504, 0x1p-14, 0x1p-24], storedAs: .f16))
        #expect(
            byName["bf16"] == .init(name: "bf16", shape: [4], values: [1, -3.140625, 256, 0x1p-130], storedAs: .bf16))
        #expect(
            byName["f64"]
                == .init(
                    name: "f64", shape: [3, 1], values: [Float(1e-3 as Double), Float(1.0 / 3.0), -1e10],
                    storedAs: .f64))
        #expect(byName["scalar"] == .init(name: "scalar", shape: [], values: [42]))
        #expect(byName["empty"] == .init(name: "empty", shape: [0, 3], values: []))
    }

    @Test func refusesPythonIntegerTensor() throws {
        let bytes = try Golden.required("Tests/Fixtures/safetensors/python-int64.safetensors")
        #expect(throws: SafeTensorsError.unsupportedDType(name: "index", dtype: "I64")) {
            try SafeTensors(parsing: bytes)
        }
    }

    @Test(arguments: MalformedSafeTensors.all)
    func malformedFileRaisesItsError(_ malformed: MalformedSafeTensors) {
        #expect(throws: malformed.error) { try SafeTensors(parsing: malformed.bytes) }
    }

    @Test func invalidUTF8NameIsRefused() {
        let header: [UInt8] = Array("{\"".utf8) + [0xFF] + Array("\":{}}".utf8)
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header
        #expect(throws: SafeTensorsError.invalidJSON(offset: 1, reason: "string is not valid UTF-8")) {
            try SafeTensors(parsing: bytes)
        }
    }

    /// Thousands of seeded mutations of a valid file (bytes flipped, truncated, length changed): each parses or
    /// throws, none traps; every mutation of the header's length prefix or JSON structure is caught.
    @Test func mutatedFilesThrowNeverTrap() {
        let original = Self.sample.serialized()
        var random = SeededRandom(seed: 20)
        var refused = 0
        for round in 0..<3000 {
            var bytes = original
            switch round % 3 {
            case 0:
                for _ in 0...Int(random.next() % 4) {
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 1: bytes.removeLast(1 + Int(random.next() % UInt64(bytes.count - 1)))
            default: bytes[Int(random.next() % 8)] ^= 1 << UInt8(random.next() % 8)
            }
            do {
                _ = try SafeTensors(parsing: bytes)
            } catch {
                refused += 1
            }
        }
        #expect(refused > 2000)
    }

    @Test func parametersRoundTripThroughInterchange() throws {
        let gdn = GDNLayer("g_a.1", channels: 3)
        var parameters = Parameters(specs: gdn.parameterSpecs, seed: 1)
        var random = SeededRandom(seed: 2)
        parameters.values = random.floats(parameters.count, in: 0.01..<2)
        let file = parameters.safeTensors(metadata: ["arch": "test"])
        // The file holds effective values...
        let beta = try #require(file.tensor("g_a.1.beta"))
        #expect(beta.values == parameters.tensor("g_a.1.beta").data.map { $0 * $0 - GDNLayer.pedestal })
        // ...and loading maps them back to stored values with the same effective values.
        let loaded = try Parameters(loading: SafeTensors(parsing: file.serialized()), specs: gdn.parameterSpecs)
        let x = Tensor(shape: [1, 3, 2, 2], data: random.floats(12))
        expectClose(gdn.forward(x, loaded).data, gdn.forward(x, parameters).data, maxAbs: 1e-6)
        #expect(throws: WeightsError.missingTensor("g_a.3.beta")) {
            try Parameters(loading: file, specs: GDNLayer("g_a.3", channels: 3).parameterSpecs)
        }
        #expect(throws: WeightsError.unexpectedTensor("g_a.1.gamma")) {
            try Parameters(loading: file, specs: [gdn.parameterSpecs[0]])
        }
    }
}
