import CaecEntropy
import CaecModel

/// One quality of a model: how its latent becomes symbols, and the entropy table of each latent channel (of each
/// hyper-latent channel, for a hyperprior model).
package struct OperatingPoint: Sendable {
    /// 1-based, as stored in the `.cae` header.
    package let quality: Int
    package let quantizer: Quantizer
    /// Frequency table per latent channel (per hyper-latent channel for a hyperprior model).
    package let tables: [FrequencyTable]

    package init(quality: Int, quantizer: Quantizer, tables: [FrequencyTable]) {
        self.quality = quality
        self.quantizer = quantizer
        self.tables = tables
    }

    /// `count` serialised tables one after another, nothing after them (`name` says whose, in errors).
    static func tables(_ bytes: [UInt8], count: Int, name: String) throws(CaecError) -> [FrequencyTable] {
        var tables: [FrequencyTable] = []
        var rest = bytes[...]
        do {
            for _ in 0..<count {
                let (table, used) = try FrequencyTable.parsePrefix(of: rest)
                tables.append(table)
                rest = rest.dropFirst(used)
            }
        } catch { throw CaecError(.invalidModel, "\(name) tables: \(error.description)") }
        guard rest.isEmpty else { throw CaecError(.invalidModel, "\(name) has extra table bytes") }
        return tables
    }
}
