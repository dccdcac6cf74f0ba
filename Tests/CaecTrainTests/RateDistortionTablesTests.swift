import CaecEntropy
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

/// Tables built from a rate-distortion model's densities code its quantised latents, close to the model's own
/// estimate, and are stored as Spec/model-weights.md §7 asks.
@Suite struct RateDistortionTablesTests {
    static let model = RateDistortionModel(id: "bmshj-f-vr", n: 4, m: 5, lambdas: [0.005, 0.05])

    static func image(seed: UInt64) -> Tensor {
        var random = SeededRandom(seed: seed)
        return Tensor(shape: [1, 3, 32, 48], data: random.floats(3 * 32 * 48, in: 0..<1))
    }

    @Test func tablesRoundTripTheQuantisedLatent() throws {
        var parameters = Self.model.initialParameters(seed: 7)
        // Spread the latent so that several symbols (and some escapes) occur.
        let gain = parameters.offset(of: "gain.analysis")
        for i in 0..<10 { parameters.values[gain + i] = 40 }
        let x = Self.image(seed: 8)
        for quality in 0..<2 {
            let tables = RateDistortionTables.build(model: Self.model, parameters: parameters, quality: quality)
            let symbols = Self.model.quantizedLatent(x, quality: quality, parameters).data.map { Int32($0) }
            let payload = RANSEncoder.encode(symbols: symbols, planeSize: 2 * 3, tables: tables)
            #expect(try RANSDecoder.decode(payload[...], planeSize: 2 * 3, tables: tables) == symbols)
        }
    }

    @Test func payloadIsCloseToTheModelsEstimate() {
        let parameters = Self.model.initialParameters(seed: 9)
        let x = Self.image(seed: 10)
        let estimate = Self.model.reconstruct(x, quality: 1, parameters).bits[0]
        let tables = RateDistortionTables.build(model: Self.model, parameters: parameters, quality: 1)
        let symbols = Self.model.quantizedLatent(x, quality: 1, parameters).data.map { Int32($0) }
        let actual = Double(RANSEncoder.encode(symbols: symbols, planeSize: 2 * 3, tables: tables).count * 8)
        // 30 symbols: integer tables and the stream's flush cost a few bytes beyond the estimate.
        #expect(actual <= estimate * 1.05 + 64, "payload \(actual) bits, estimate \(estimate)")
    }

    @Test func codecTensorsFollowTheWeightsSpec() throws {
        let parameters = Self.model.initialParameters(seed: 11)
        let codec = RateDistortionTables.codecTensors(model: Self.model, parameters: parameters)
        let tensors = codec.tensors
        #expect(
            tensors.map(\.name) == [
                "codec.scale", "codec.q1.step", "codec.q1.tables", "codec.q2.step", "codec.q2.tables",
            ])
        let gains = parameters.tensor("gain.analysis").data
        #expect(codec.qualities[1].steps == (0..<5).map { 1 / gains[5 + $0] })
        var rest = codec.qualities[0].tables[...]
        let expected = RateDistortionTables.build(model: Self.model, parameters: parameters, quality: 0)
        for c in 0..<5 {
            let (table, used) = try FrequencyTable.parsePrefix(of: rest)
            #expect(table == expected[c])
            rest = rest.dropFirst(used)
        }
        #expect(rest.isEmpty)
    }
}
