import CaecTestSupport
import Testing

@testable import CaecEntropy

/// Seeded latent-like symbol streams for the coder tests.
enum Distribution: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case laplaceNarrow, laplaceWide, offsetChannels, uniformSmall, allEscape, extremes, single

    var testDescription: String { rawValue }

    /// A two-sided geometric value with decay `ratio`, centred on `centre`.
    static func laplace(_ random: inout SeededRandom, ratio: Float, centre: Int32) -> Int32 {
        var magnitude: Int32 = 0
        while random.float() < ratio && magnitude < 1000 { magnitude += 1 }
        return random.next() % 2 == 0 ? centre + magnitude : centre - magnitude
    }

    /// `channels` x `planeSize` values and one table per channel (built from a separate sample, so that some
    /// values escape).
    func latent(channels: Int, planeSize: Int, precisionBits: Int, seed: UInt64) -> (
        symbols: [Int32], tables: [FrequencyTable]
    ) {
        var random = SeededRandom(seed: seed)
        var symbols: [Int32] = []
        var tables: [FrequencyTable] = []
        for channel in 0..<channels {
            let centre = self == .offsetChannels ? Int32(channel * 7 - 10) : 0
            let draw: (inout SeededRandom) -> Int32 = {
                switch self {
                case .laplaceNarrow, .single: return Self.laplace(&$0, ratio: 0.3, centre: centre)
                case .laplaceWide: return Self.laplace(&$0, ratio: 0.9, centre: centre)
                case .offsetChannels: return Self.laplace(&$0, ratio: 0.6, centre: centre)
                case .uniformSmall: return Int32($0.next() % 9) - 4
                case .allEscape: return 100 + Int32($0.next() % 50) * (($0.next() % 2 == 0) ? 1 : -3)
                case .extremes:
                    let choices: [Int32] = [.min, .max, .min + 1, .max - 1, 0, -8, 8, 9, -9]
                    return choices[Int($0.next() % UInt64(choices.count))]
                }
            }
            // Table from its own sample over [centre - 8, centre + 8].
            var histogram = [UInt64](repeating: 0, count: 17)
            var escapes: UInt64 = 0
            for _ in 0..<2000 {
                let value = draw(&random)
                let index = Int(value) - Int(centre) + 8
                if (0..<17).contains(index) { histogram[index] += 1 } else { escapes += 1 }
            }
            tables.append(
                FrequencyTable.build(
                    histogram: histogram, escapeCount: escapes, minSymbol: centre - 8, precisionBits: precisionBits))
            for _ in 0..<planeSize {
                symbols.append(self == .single ? centre : draw(&random))
            }
        }
        return (symbols, tables)
    }
}
