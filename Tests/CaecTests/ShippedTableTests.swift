import CaecEntropy
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Foundation
import Testing

@testable import Caec

/// The integer frequency tables shipped in Models/bmshj-f-vr.caew against the float densities they were built from.
@Suite struct ShippedTableTests {
    /// The shipped model, its parameters, and its tables `tables[q][c]` (q 0-based), read as the codec reads them.
    struct Shipped {
        let model: RateDistortionModel
        let parameters: Parameters
        let tables: [[FrequencyTable]]
    }

    struct LoadError: Error { let tensor: String }

    static func load() throws -> Shipped {
        let id = "bmshj-f-vr"
        let model = try #require(ModelRegistry.rateDistortion(id))
        let file = try WeightsFile(parsing: Golden.required("Models/\(id).caew"))
        let parameters = try Parameters(loading: file, modelID: id, specs: model.parameterSpecs)
        var tables: [[FrequencyTable]] = []
        for q in 1...model.qualities {
            let tensor = try #require(file.tensors.first { $0.name == "codec.q\(q).tables" })
            guard case .uint8(let bytes) = tensor.storage else { throw LoadError(tensor: tensor.name) }
            var rest = bytes[...]
            var qualityTables: [FrequencyTable] = []
            for _ in 0..<model.m {
                let (table, used) = try FrequencyTable.parsePrefix(of: rest)
                qualityTables.append(table)
                rest = rest.dropFirst(used)
            }
            #expect(rest.isEmpty)
            tables.append(qualityTables)
        }
        return Shipped(model: model, parameters: parameters, tables: tables)
    }

    /// The float model's mass of each integer -R...R, R = `RateDistortionTables.searchRadius`, per channel at
    /// `quality` (0-based): `masses[c][k + R]`, the likelihood the rate term of training uses.
    static func masses(_ shipped: Shipped, quality: Int) -> [[Double]] {
        let (C, R) = (shipped.model.m, RateDistortionTables.searchRadius)
        let points = 2 * R + 1
        var values = [Float](repeating: 0, count: C * points)
        for c in 0..<C {
            for i in 0..<points { values[c * points + i] = Float(i - R) }
        }
        let likelihoods = shipped.model.bottleneck.likelihoods(
            Tensor(shape: [1, C, 1, points], data: values), quality: quality, shipped.parameters)
        return (0..<C).map { c in likelihoods.data[c * points..<(c + 1) * points].map(Double.init) }
    }

    /// Largest divergence allowed for one channel's table, bits per symbol (see `tablesAreCloseToTheDensities`).
    static let maxBits = 0.005
    /// Largest mean divergence over the channels of one quality, bits per symbol.
    static let maxMeanBits = 0.001

    /// The ways `table` breaks the bounds against `masses` (one channel's `masses(_:quality:)` row); empty when it
    /// keeps them. Bits: `sum_k p(k) log2(p(k) / t(k))` over the table's symbols and its escape symbol, with `p`
    /// the float mass (`p(escape)` = the float mass outside the table's range) and `t(k) = freq(k) / total`:
    /// the expected extra code length of coding symbols drawn from the float model with the table.
    static func check(_ table: FrequencyTable, _ masses: [Double]) -> (bits: Double, problems: [String]) {
        let R = RateDistortionTables.searchRadius
        let M = Double(table.total)
        let floor = 1 - Double(table.symbolCount + 1) / M
        var problems: [String] = []
        var bits = 0.0
        var inRange = 0.0
        for i in 0..<table.symbolCount {
            let k = Int(table.minSymbol) + i
            let p = (-R...R).contains(k) ? min(1, masses[k + R]) : 0
            let t = Double(table.frequencies[i]) / M
            inRange += p
            if p > 0 { bits += p * log2(p / t) }
            if p >= RateDistortionTables.tailMass && (table.frequencies[i] == 0 || t < p * floor * (1 - 1e-6)) {
                problems.append("symbol \(k): mass \(p), frequency \(table.frequencies[i])")
            }
        }
        let escape = max(0, 1 - inRange)
        let tEscape = Double(table.frequencies[table.escapeIndex]) / M
        if escape > 0 { bits += escape * log2(escape / tEscape) }
        let ceiling = min(maxBits, -log2(floor))
        if bits > ceiling { problems.append("\(bits) bits per symbol > \(ceiling)") }
        return (bits, problems)
    }

    /// The problems of one quality's `tables` (one per channel) against the densities of `quality` (0-based),
    /// and their mean divergence if it exceeds `maxMeanBits`.
    static func problems(_ shipped: Shipped, tables: [FrequencyTable], densitiesOf quality: Int) -> [String] {
        let masses = Self.masses(shipped, quality: quality)
        var problems: [String] = []
        var total = 0.0
        for (c, table) in tables.enumerated() {
            let (bits, found) = check(table, masses[c])
            total += bits
            problems += found.map { "channel \(c): \($0)" }
        }
        let mean = total / Double(tables.count)
        if mean > maxMeanBits { problems.append("mean \(mean) bits per symbol > \(maxMeanBits)") }
        return problems
    }

    /// For every quality and channel, the shipped table's probabilities `freq(k) / total` stay close to the float
    /// model's masses `p(k)` of the integers k in the table's range, the escape symbol taking the float mass
    /// outside it:
    ///
    /// - the divergence `sum_k p(k) log2(p(k) / t(k))` (the expected extra bits per symbol) is at most
    ///   `min(0.005, log2(M / (M - K - 1)))` for a table of K symbols and total M = 2^15, and its mean over a
    ///   quality's 128 channels at most 0.001;
    /// - every in-range symbol with mass at least `RateDistortionTables.tailMass` (1e-6, the builder's own cut)
    ///   has a non-zero frequency, and more: `t(k) >= p(k) (1 - (K + 1) / M)`, less a relative 1e-6 for the
    ///   2^-40 rounding of masses to counts.
    ///
    /// Why these bounds: Spec/entropy-coding.md §3.2 gives every symbol `1 + floor(p (M - K - 1))` frequency
    /// units (plus at most one leftover unit), so `t(k) / p(k) > 1 - (K + 1) / M` for every symbol, the escape
    /// included, and the divergence stays below `log2(M / (M - K - 1))`: 0.0117 bits for the largest table
    /// (K = 263, quality 6), 8.8e-5 for a one-symbol table. Measured on the shipped file: the largest divergence
    /// per quality is 0.00053, 0.00068, 0.00090, 0.00121, 0.00157 and 0.00217 bits per symbol (qualities 1 to 6),
    /// at most half of that table's ceiling; the means are 0.00014 to 0.00040 (about 10 bytes on a 768x512 image
    /// of 196,608 symbols); `t / p` is at least 1.000012 times its floor; no frequency is zero. 0.005 bits is 2.3x
    /// the worst measured channel and 0.001 2.5x the worst mean, while tables built from an adjacent quality's
    /// densities exceed the bounds by far (`tablesOfAnotherQualityBreakTheBounds`).
    @Test func tablesAreCloseToTheDensities() throws {
        let shipped = try Self.load()
        for q in 0..<shipped.model.qualities {
            let problems = Self.problems(shipped, tables: shipped.tables[q], densitiesOf: q)
            #expect(problems.count == 0, "quality \(q + 1): \(problems.count) problems, first \(problems.prefix(5))")
        }
    }

    /// The bounds tell qualities apart: the tables of quality q checked against the densities of q - 1 or q + 1
    /// break them (measured: the worst channel is 0.13 to 3.0 bits per symbol off, the mean 0.044 to 0.24 bits).
    @Test func tablesOfAnotherQualityBreakTheBounds() throws {
        let shipped = try Self.load()
        let qualities = shipped.model.qualities
        for offset in [-1, 1] {
            for q in 0..<qualities where (0..<qualities).contains(q + offset) {
                let problems = Self.problems(shipped, tables: shipped.tables[q], densitiesOf: q + offset)
                #expect(problems.count > 0, "tables of quality \(q + 1) pass against quality \(q + offset + 1)")
            }
        }
    }
}
