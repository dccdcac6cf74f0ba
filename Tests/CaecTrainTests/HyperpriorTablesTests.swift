import CaecEntropy
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The hyperprior's codec tables (Spec/model-weights.md §7.2): the Gaussian conditional's integer tables against
/// the float density, and the tensors' layout.
@Suite struct HyperpriorTablesTests {
    static let model = HyperpriorModel(
        id: "bmshj-hp-vr", factorizedID: "bmshj-f-vr", n: 4, m: 6, lambdas: [0.005, 0.05])

    /// Each table of the Gaussian conditional costs, on the float density it was built from, at most 0.01 bit per
    /// symbol more than the density's entropy: KL(p || table) < 0.01 bit, p being the float masses of the table's
    /// symbols and the rest of the mass on the escape, plus the escapes' payload bits (2 + 2 floor(log2 d) each,
    /// Spec/entropy-coding.md §5). The widest table (scale 256) is the worst, at about 0.0075.
    @Test func gaussianTablesAreWithinAKLBoundOfTheFloatGaussian() {
        var worst = 0.0
        for scale in GaussianConditional.scaleTable.map(Double.init) {
            let table = HyperpriorTables.gaussianTable(scale: scale)
            #expect(table.precisionBits == 16)
            let radius = -Int(table.minSymbol)
            #expect(table.symbolCount == 2 * radius + 1)
            let total = Double(1 << table.precisionBits)
            var kl = 0.0
            var inRange = 0.0
            for (index, frequency) in table.frequencies.dropLast().enumerated() {
                let p = GaussianConditional.mass(index - radius, scale: scale)
                inRange += p
                kl += p * log2(p * total / Double(frequency))
            }
            let escape = max(1 - inRange, 0)
            if escape > 0 { kl += escape * log2(escape * total / Double(table.frequencies.last!)) }
            for d in 1...(Int(12 * scale) + 50) {
                kl +=
                    2 * GaussianConditional.mass(radius + d, scale: scale)
                    * Double(2 + 2 * (Int.bitWidth - 1 - d.leadingZeroBitCount))
            }
            worst = max(worst, kl)
        }
        #expect(worst < 0.01, "worst excess \(worst) bit a symbol")
        #expect(worst > 0.005, "the bound should be near the worst case: \(worst)")
    }

    @Test func codecTensorsHoldZTablesPerQualityAndOneGaussianTablePerScale() throws {
        let parameters = Self.model.initialParameters(seed: 4)
        let codec = HyperpriorTables.codecTensors(model: Self.model, parameters: parameters)
        #expect(codec.qualities.count == 2 && codec.scales == [Float](repeating: 1, count: 6))
        let conditional = try #require(codec.conditional)
        #expect(conditional.bounds == GaussianConditional.decisionBounds)
        let scales = GaussianConditional.scaleTable
        #expect((0..<63).allSatisfy { scales[$0] < conditional.bounds[$0] && conditional.bounds[$0] < scales[$0 + 1] })
        #expect(conditional.bounds[63] == scales[63])
        var rest = conditional.tables[...]
        var tables: [FrequencyTable] = []
        while !rest.isEmpty {
            let (table, used) = try FrequencyTable.parsePrefix(of: rest)
            tables.append(table)
            rest = rest.dropFirst(used)
        }
        #expect(tables.count == 64)
        #expect(tables[0].symbolCount < tables[63].symbolCount)
        var zRest = codec.qualities[1].tables[...]
        var zTables = 0
        while !zRest.isEmpty {
            zRest = zRest.dropFirst(try FrequencyTable.parsePrefix(of: zRest).1)
            zTables += 1
        }
        #expect(zTables == 4)
        // The tensors read back.
        let file = WeightsFile(modelID: "bmshj-hp-vr", tensors: codec.tensors)
        #expect(try CodecTensors(reading: file, channels: 6, maxQualities: 63) == codec)
    }
}
