import Caec
import CaecEntropy
import CaecFormat
import CaecFuzzing
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

/// `CaecCodec` on the scale-hyperprior family with an untrained `bmshj-hp-vr` built here: files round-trip, the
/// payload is laid out as Spec/cae-format.md §9.1 says, damaged z or y streams throw, and the bytes are golden.
@Suite struct HyperpriorCodecTests {
    static let model = ModelRegistry.hyperprior("bmshj-hp-vr")!

    /// Random weights (seed 5) with their codec tables; h_s's last bias spreads the scales over the table.
    static let weights: [UInt8] = {
        var parameters = model.initialParameters(seed: 5)
        parameters.set("h_s.4.bias", Tensor(shape: [128], data: (0..<128).map { Float($0 % 8) * 0.5 }))
        var file = parameters.weightsFile(modelID: model.id)
        file.tensors += HyperpriorTables.codecTensors(model: model, parameters: parameters).tensors
        return file.serialized()
    }()
    static let codec = try! CaecCodec(weights: weights)

    static func image(width: Int, height: Int, seed: UInt64) -> RGBImage {
        RateDistortionCodecTests.image(width: width, height: height, seed: seed)
    }

    @Test func roundTripsEveryQualityAtOddSizes() throws {
        let codec = Self.codec
        #expect(codec.modelID == "bmshj-hp-vr" && codec.rate == 16 && codec.qualities == 1...8)
        for (w, h) in [(1, 1), (33, 17), (70, 40)] {
            let image = Self.image(width: w, height: h, seed: UInt64(w))
            let latent = try codec.latent(image)
            for quality in codec.qualities {
                let file = try codec.encode(image, quality: quality)
                let info = try Caec.peek(file)
                #expect(info.modelID == "bmshj-hp-vr" && info.quality == quality)
                let back = try codec.decode(file)
                #expect(back.width == w && back.height == h)
                let (_, payload, _) = try CAEReader.read(file)
                let symbols = try codec.model.symbols(
                    payload: payload, height: latent.shape[2], width: latent.shape[3], quality: quality)
                #expect(symbols == codec.model.symbols(latent, quality: quality))
            }
        }
    }

    /// §9.1: ULEB128 z_length, the z stream (per-channel tables of the quality), the y stream (conditional tables
    /// chosen by the indices h_s gives from z).
    @Test func payloadIsTheZStreamThenTheYStream() throws {
        let codec = Self.codec
        let image = Self.image(width: 70, height: 40, seed: 3)
        let quality = 4
        let file = try codec.encode(image, quality: quality)
        let (_, payload, _) = try CAEReader.read(file)
        var zLength = 0
        var offset = payload.startIndex
        var shift = 0
        while true {
            let byte = payload[offset]
            offset += 1
            zLength |= Int(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 { break }
        }
        let zBytes = payload[offset..<offset + zLength]
        let yBytes = payload[(offset + zLength)...]
        let latent = try codec.latent(image)
        let z = Self.model.hyperLatentSymbols(latent, quality: quality, codec.model.parameters)
        #expect(z.shape == [1, 64, 1, 2])
        let point = codec.model.operatingPoints[quality - 1]
        #expect(point.tables.count == 64)
        #expect(try RANSDecoder.decode(zBytes, planeSize: 2, tables: point.tables) == z.data.map { Int32($0) })
        let conditional = try #require(codec.model.conditional)
        #expect(conditional.tables.count == 64 && conditional.bounds == GaussianConditional.decisionBounds)
        let indices = Self.model.scaleIndices(
            z, height: 3, width: 5, bounds: conditional.bounds, codec.model.parameters)
        #expect(Set(indices).count > 4)
        #expect(
            try RANSDecoder.decode(yBytes, tableIndices: indices, tables: conditional.tables)
                == codec.model.symbols(latent, quality: quality))
    }

    static func rewritten(_ file: [UInt8], _ change: (ArraySlice<UInt8>) -> [UInt8]) throws -> [UInt8] {
        let (header, payload, _) = try CAEReader.read(file)
        return CAEWriter.file(header: header, payload: change(payload))
    }

    static func expectInvalid(_ bytes: [UInt8], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try codec.decode(bytes)
            Issue.record("decoded a damaged payload (\(message))", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == .invalidFile, sourceLocation: sourceLocation)
            #expect(error.message.contains(message), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    /// Cutting or padding either stream, or breaking the length, throws `.invalidFile` naming the stream.
    @Test func damagedStreamsThrowNamingTheStream() throws {
        let file = try Self.codec.encode(Self.image(width: 70, height: 40, seed: 3), quality: 6)
        let (_, payload, _) = try CAEReader.read(file)
        let zLength = Int(payload[payload.startIndex])
        #expect(zLength < 0x80)
        let z = Array(payload.dropFirst().prefix(zLength))
        let y = Array(payload.dropFirst(1 + zLength))
        for cut in [0, 1, 3, 4, z.count - 1] {
            Self.expectInvalid(
                try Self.rewritten(file) { _ in [UInt8(cut)] + z.prefix(cut) + y }, "payload: z stream: entropy stream")
        }
        Self.expectInvalid(try Self.rewritten(file) { _ in [UInt8(zLength + 1)] + z + [0] + y }, "payload: z stream")
        for cut in [0, 2, 4, y.count / 2, y.count - 1] {
            Self.expectInvalid(
                try Self.rewritten(file) { _ in [UInt8(zLength)] + z + y.prefix(cut) },
                "payload: y stream: entropy stream truncated")
        }
        Self.expectInvalid(try Self.rewritten(file) { _ in [UInt8(zLength)] + z + y + [7] }, "payload: y stream")
        Self.expectInvalid(try Self.rewritten(file) { _ in [] }, "the z stream's length is truncated")
        Self.expectInvalid(try Self.rewritten(file) { _ in [0x80, 0x80] }, "the z stream's length is truncated")
        Self.expectInvalid(try Self.rewritten(file) { _ in [0x85, 0x00] + z + y }, "not minimally encoded")
        Self.expectInvalid(try Self.rewritten(file) { _ in [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] }, "longer than 5")
        Self.expectInvalid(try Self.rewritten(file) { _ in [0x7F] + z }, "exceeds the")
        // Prefixes of the whole payload throw, never trap.
        for length in stride(from: 0, to: payload.count, by: 7) {
            Self.expectInvalid(try Self.rewritten(file) { Array($0.prefix(length)) }, "payload: ")
        }
    }

    /// The payload fuzz target's corpus and seeded garbage, as payloads of this model: errors, never traps.
    @Test func hostilePayloadsThrowNeverTrap() throws {
        for path in FuzzReplayTests.files("Fuzz/corpus/payload") + FuzzReplayTests.files("Fuzz/crashers") {
            FuzzTargets.payload(try Golden.required(path), codec: Self.codec)
        }
        var random = SeededRandom(seed: 17)
        for length in [2, 3, 6, 9, 40, 300] {
            for _ in 0..<4 { FuzzTargets.payload(random.bytes(length), codec: Self.codec) }
        }
        // A z stream of huge escaped values: h_s sees +-2^30, its scales may be infinite; indices stay in range.
        let file = try Self.codec.encode(Self.image(width: 20, height: 20, seed: 1), quality: 2)
        let (header, payload, _) = try CAEReader.read(file)
        var encoder = RANSEncoder()
        let tables = Self.codec.model.operatingPoints[1].tables
        for channel in (0..<64).reversed() {
            encoder.encode(channel % 2 == 0 ? 1 << 30 : -(1 << 30), table: tables[channel])
        }
        let z = encoder.finish()
        var length: [UInt8] = []
        var n = z.count
        repeat {
            length.append(UInt8(n & 0x7F) | (n >= 0x80 ? 0x80 : 0))
            n >>= 7
        } while n > 0
        let hostile = CAEWriter.file(header: header, payload: length + z + Array(payload.suffix(8)))
        #expect(throws: CaecError.self) { try Self.codec.decode(hostile) }
    }

    @Test func bytesDoNotDependOnTheThreadCountOrTheKernelLevel() throws {
        let image = Self.image(width: 48, height: 40, seed: 9)
        let reference = try TensorParallelism.$maxWorkers.withValue(1) { try Self.codec.encode(image, quality: 3) }
        for level in ExactKernels.supported {
            let bytes = try ExactKernels.$forcedLevel.withValue(level) {
                try TensorParallelism.$maxWorkers.withValue(2) { try Self.codec.encode(image, quality: 3) }
            }
            #expect(bytes == reference, "level \(level)")
        }
    }

    @Test func weightsMustCarryTheConditionalTablesOfTheirFamily() throws {
        let parameters = Self.model.initialParameters(seed: 5)
        var file = parameters.weightsFile(modelID: Self.model.id)
        var codecTensors = HyperpriorTables.codecTensors(model: Self.model, parameters: parameters)
        codecTensors.conditional = nil
        file.tensors += codecTensors.tensors
        #expect(throws: CaecError(.invalidModel, "weights lack the codec's conditional tables")) {
            try CaecCodec(weights: file.serialized())
        }
        let factorized = ModelRegistry.rateDistortion("bmshj-f-vr")!
        let factorizedParameters = factorized.initialParameters(seed: 5)
        var other = factorizedParameters.weightsFile(modelID: factorized.id)
        var tables = RateDistortionTables.codecTensors(model: factorized, parameters: factorizedParameters)
        tables.conditional = HyperpriorTables.codecTensors(model: Self.model, parameters: parameters).conditional
        other.tensors += tables.tensors
        #expect(throws: CaecError(.invalidModel, "weights have conditional tables bmshj-f-vr does not use")) {
            try CaecCodec(weights: other.serialized())
        }
    }

    /// The horse at quality 4 with these seeded weights: the same bytes on every machine with the same libm (the
    /// tables are built here from `erfc` and `exp`; shipped weights carry them as integers).
    @Test func encodingMatchesTheGoldenFile() throws {
        let image = try ShippedCodecs.image("cifar-test-0001-horse.png")
        let bytes = try Self.codec.encode(image, quality: 4)
        guard
            let golden = Golden.bytes(
                "Samples/golden/bmshj-hp-vr/seeded-cifar-test-0001-horse-q4.cae", recording: bytes)
        else { return }
        #expect(bytes == golden)
        let back = try Self.codec.decode(golden)
        #expect(back.width == 32 && back.height == 32)
    }
}
