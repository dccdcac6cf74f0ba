import CaecEntropy
import CaecModel

/// One quality of a model: how its latent becomes symbols, and the entropy table of each latent channel.
package struct OperatingPoint: Sendable {
    /// 1-based, as stored in the `.cae` header.
    package let quality: Int
    package let quantizer: Quantizer
    /// Frequency table per latent channel.
    package let tables: [FrequencyTable]

    package init(quality: Int, quantizer: Quantizer, tables: [FrequencyTable]) {
        precondition(quantizer.channels == tables.count, "OperatingPoint: one scale and one table per channel")
        self.quality = quality
        self.quantizer = quantizer
        self.tables = tables
    }

    /// The tables stored for one quality: `channels` serialised tables one after another, nothing after them.
    static func tables(_ bytes: [UInt8], channels: Int, quality: Int) throws(CaecError) -> [FrequencyTable] {
        var tables: [FrequencyTable] = []
        var rest = bytes[...]
        do {
            for _ in 0..<channels {
                let (table, used) = try FrequencyTable.parsePrefix(of: rest)
                tables.append(table)
                rest = rest.dropFirst(used)
            }
        } catch { throw CaecError(.invalidModel, "codec quality \(quality) tables: \(error.description)") }
        guard rest.isEmpty else { throw CaecError(.invalidModel, "codec quality \(quality) has extra table bytes") }
        return tables
    }
}
