import CaecEntropy
import CaecModel
import CaecTensor
import CaecTestSupport
import Testing

@testable import Caec

@Suite struct RateDistortionCoderTests {
    static let model = RateDistortionModel(id: "bmshj-f-vr", n: 4, m: 5, lambdas: [0.005, 0.05])

    static func image(seed: UInt64) -> Tensor {
        var random = SeededRandom(seed: seed)
        return Tensor(shape: [1, 3, 32, 48], data: random.floats(3 * 32 * 48, in: 0..<1))
    }

    @Test func roundTripsSymbolsAndIsDeterministic() throws {
        var parameters = Self.model.initialParameters(seed: 7)
        // Spread the latent so that several symbols (and some escapes) occur.
        let gain = parameters.offset(of: "gain.analysis")
        for i in 0..<10 { parameters.values[gain + i] = 40 }
        let coder = RateDistortionCoder(model: Self.model, parameters: parameters)
        let x = Self.image(seed: 8)
        for quality in 0..<2 {
            let symbols = coder.symbols(x, quality: quality)
            let payload = coder.encode(x, quality: quality)
            let again = TensorParallelism.$maxWorkers.withValue(1) { coder.encode(x, quality: quality) }
            #expect(payload == again)
            let decoded = try RANSDecoder.decode(payload[...], planeSize: 2 * 3, tables: coder.tables[quality])
            #expect(decoded == symbols)
            let reconstruction = try coder.decode(payload, height: 32, width: 48, quality: quality)
            let direct = Self.model.decode(
                Tensor(shape: [1, 5, 2, 3], data: symbols.map(Float.init)), quality: quality, parameters)
            #expect(reconstruction.data == direct.data)
        }
    }

    @Test func payloadIsCloseToTheModelsEstimate() {
        let parameters = Self.model.initialParameters(seed: 9)
        let coder = RateDistortionCoder(model: Self.model, parameters: parameters)
        let x = Self.image(seed: 10)
        let estimate = Self.model.reconstruct(x, quality: 1, parameters).bits[0]
        let actual = Double(coder.encode(x, quality: 1).count * 8)
        // 30 symbols: integer tables and the stream's flush cost a few bytes beyond the estimate.
        #expect(actual <= estimate * 1.05 + 64, "payload \(actual) bits, estimate \(estimate)")
    }

    @Test func codecTensorsFollowTheWeightsSpec() throws {
        let parameters = Self.model.initialParameters(seed: 11)
        let coder = RateDistortionCoder(model: Self.model, parameters: parameters)
        let tensors = coder.codecTensors()
        #expect(
            tensors.map(\.name) == [
                "codec.scale", "codec.q1.step", "codec.q1.tables", "codec.q2.step", "codec.q2.tables",
            ])
        guard case .uint8(let bytes) = tensors[2].storage else {
            Issue.record("tables are not u8")
            return
        }
        var rest = bytes[...]
        for c in 0..<5 {
            let (table, used) = try FrequencyTable.parsePrefix(of: rest)
            #expect(table == coder.tables[0][c])
            rest = rest.dropFirst(used)
        }
        #expect(rest.isEmpty)
    }
}
