import CaecCore
import CaecModel
import CaecTensor
import Testing

@Suite struct WeightsFileTests {
    static let specs = ModelRegistry.parameterSpecs("cae-r4")!

    static func sampleFile() -> WeightsFile {
        Parameters(specs: specs, seed: 3).weightsFile(modelID: "cae-r4", metadata: [("epochs", "5")])
    }

    @Test func saveLoadForwardIsBitIdentical() throws {
        let model = ModelRegistry.autoencoder("cae-r4")!
        let original = Parameters(specs: Self.specs, seed: 3)
        let bytes = original.weightsFile(modelID: "cae-r4").serialized()
        let loaded = try Parameters(loading: WeightsFile(parsing: bytes), modelID: "cae-r4", specs: Self.specs)
        #expect(loaded.values == original.values)
        let x = Tensor(shape: [1, 3, 16, 16], repeating: 0.3)
        #expect(model.reconstruct(x, loaded).data == model.reconstruct(x, original).data)
    }

    @Test func metadataRoundTrips() throws {
        let file = try WeightsFile(parsing: Self.sampleFile().serialized())
        #expect(file.metadata("epochs") == "5")
        #expect(file == Self.sampleFile())
    }

    /// A well-formed file (both CRCs right) holding NaN or an infinity is refused, naming the tensor and element.
    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteValueIsRefused(value: Float) throws {
        var file = Self.sampleFile()
        guard case .float32(var values) = file.tensors[2].storage else {
            Issue.record("tensor 2 is not f32")
            return
        }
        values[7] = value
        file.tensors[2].storage = .float32(values)
        let name = file.tensors[2].name
        let error = WeightsError.nonFiniteValue(name: name, index: 7)
        #expect(throws: error) { try WeightsFile(parsing: file.serialized()) }
        #expect(error.description == "tensor '\(name)' holds a non-finite value (NaN or infinity) at element 7")
    }

    /// Damaged weights files (by name) and the exact error each must raise.
    static func corruptFile(_ name: String) -> (bytes: [UInt8], error: WeightsError) {
        let good = sampleFile().serialized()
        let dataBytes = Parameters(specs: specs, seed: 0).count * 4
        let dataStart = good.count - dataBytes - 4
        var bytes = good
        switch name {
        case "bad-magic.caew":
            bytes[0] = 0x58
            return (bytes, .badMagic)
        case "newer-major.caew":
            bytes[4] = 2
            return (bytes, .unsupportedVersion(major: 2, newestSupported: 1))
        case "truncated.caew":
            return (
                Array(good.dropLast(100)),
                .truncated(offset: dataStart, needed: dataBytes + 4, available: dataBytes - 96)
            )
        case "crc-data.caew":
            bytes[good.count - 10] ^= 0x01
            let declared = good.suffix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return (
                bytes,
                .dataChecksumMismatch(declared: declared, computed: CRC32.checksum(bytes[dataStart..<good.count - 4]))
            )
        case "trailing.caew":
            return (good + [0], .trailingBytes(count: 1))
        default:
            preconditionFailure("unknown case \(name)")
        }
    }

    @Test(arguments: ["bad-magic.caew", "newer-major.caew", "truncated.caew", "crc-data.caew", "trailing.caew"])
    func corruptFileRaisesItsExactError(name: String) {
        let (bytes, error) = Self.corruptFile(name)
        #expect(throws: error) { try WeightsFile(parsing: bytes) }
    }

    @Test func headerCorruptionIsAHeaderChecksumError() {
        var bytes = Self.sampleFile().serialized()
        bytes[12] ^= 0x20  // inside the model id
        #expect {
            try WeightsFile(parsing: bytes)
        } throws: { error in
            if case .headerChecksumMismatch = error as? WeightsError { return true }
            return false
        }
    }

    @Test func wrongModelMissingExtraAndReshapedTensorsAreRejected() throws {
        let file = Self.sampleFile()
        #expect(throws: WeightsError.wrongModel(expected: "cae-r8", found: "cae-r4")) {
            try Parameters(loading: file, modelID: "cae-r8", specs: Self.specs)
        }
        var missing = file
        missing.tensors.removeLast()
        #expect(throws: WeightsError.missingTensor("dec.out.bias")) {
            try Parameters(loading: missing, modelID: "cae-r4", specs: Self.specs)
        }
        var extra = file
        extra.tensors.append(NamedTensor(name: "stray", kind: .parameter, shape: [1], storage: .float32([0])))
        #expect(throws: WeightsError.unexpectedTensor("stray")) {
            try Parameters(loading: extra, modelID: "cae-r4", specs: Self.specs)
        }
        var reshaped = file
        let bias = reshaped.tensors.removeLast()
        reshaped.tensors.append(NamedTensor(name: bias.name, kind: .parameter, shape: [1, 3], storage: bias.storage))
        #expect(throws: WeightsError.shapeMismatch(name: "dec.out.bias", expected: [3], found: [1, 3])) {
            try Parameters(loading: reshaped, modelID: "cae-r4", specs: Self.specs)
        }
    }
}
