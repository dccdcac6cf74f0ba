import CaecEntropy
import CaecModel
import CaecTensor

/// Integer frequency tables for a model imported from CompressAI (`CompressAIFactorizedModel`,
/// `CompressAIHyperpriorModel`), built by caec rather than taken from CompressAI's float CDFs.
///
/// Per quality q: `codec.q<q>.tables` holds one table per channel of the factorized density of quality q (y's for
/// the factorized prior, z's for the hyperprior), sampled as `RateDistortionTables.build(bottleneck:...)` does at
/// the integers around the channel's median (symbol k stands for median + k, CompressAI's quantisation), at 15
/// bits. `codec.q<q>.step` is all ones (these models have no gains: the quantiser subtracts the medians) and
/// `codec.scale` all ones. A hyperprior also gets caec's shared conditional tables (`HyperpriorTables`), from
/// caec's scale table, not the checkpoint's.
package enum CompressAITables {
    /// The `codec.*` tensors of every quality of `parameters` of `network`.
    package static func codecTensors(network: any CodecNetwork, parameters: Parameters, precisionBits: Int = 15)
        -> CodecTensors
    {
        let (bottlenecks, medians, isHyperprior) = densities(network, parameters)
        let channels = network.latentChannels
        let qualities = bottlenecks.enumerated().map { index, bottleneck in
            let tables = RateDistortionTables.build(
                bottleneck: bottleneck, parameters: parameters, quality: 0, precisionBits: precisionBits,
                offsets: medians(index + 1))
            return CodecTensors.Quality(
                steps: [Float](repeating: 1, count: channels), tables: tables.flatMap { $0.serialized() })
        }
        let conditional =
            isHyperprior
            ? CodecTensors.Conditional(
                bounds: GaussianConditional.decisionBounds,
                tables: GaussianConditional.scaleTable.flatMap {
                    HyperpriorTables.gaussianTable(scale: Double($0)).serialized()
                }) : nil
        return CodecTensors(
            scales: [Float](repeating: 1, count: channels), qualities: qualities, conditional: conditional)
    }

    /// The first (quality (1-based), channel) whose density gives a non-finite mass where the tables sample it
    /// (`RateDistortionTables.firstDegenerateChannel`), or nil. `codecTensors` must not be asked for such weights'
    /// tables by an importer: they would escape every value of that channel.
    package static func firstDegenerateDensity(network: any CodecNetwork, parameters: Parameters) -> (
        quality: Int, channel: Int
    )? {
        let (bottlenecks, medians, _) = densities(network, parameters)
        for (index, bottleneck) in bottlenecks.enumerated() {
            if let channel = RateDistortionTables.firstDegenerateChannel(
                bottleneck: bottleneck, parameters: parameters, quality: 0, offsets: medians(index + 1))
            {
                return (index + 1, channel)
            }
        }
        return nil
    }

    private static func densities(_ network: any CodecNetwork, _ parameters: Parameters) -> (
        bottlenecks: [EntropyBottleneck], medians: (Int) -> [Float], isHyperprior: Bool
    ) {
        switch network {
        case let model as CompressAIFactorizedModel:
            (model.bottlenecks, { model.medians(quality: $0, parameters) }, false)
        case let model as CompressAIHyperpriorModel:
            (model.bottlenecks, { model.medians(quality: $0, parameters) }, true)
        default:
            preconditionFailure("CompressAITables: \(network.id) is not an imported CompressAI model")
        }
    }
}
