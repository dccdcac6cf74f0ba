import CaecTensor

/// What the imported CompressAI families share as codecs: one whole network per quality (`q<q>.` keys), the
/// transforms of Ballé et al. 2018 at the architecture's widths, so the same rate, halos and per-quality analysis.
package protocol CompressAINetwork: CodecNetwork {
    var architecture: CompressAIArchitecture { get }
    /// g_a of each quality, in quality order.
    var analyses: [Sequential] { get }
    /// The keys and shapes of quality `quality` (1-based), prefixed `q<quality>.`.
    func parameterSpecs(quality: Int) -> [ParameterSpec]
}

extension CompressAINetwork {
    /// Networks in the model, one per imported checkpoint.
    package var qualities: Int { architecture.qualities }
    package var id: String { architecture.family.rawValue }
    package var rate: Int { 16 }
    package var latentChannels: Int { architecture.m }
    package var parameterSpecs: [ParameterSpec] { (1...qualities).flatMap { parameterSpecs(quality: $0) } }
    package var widestActivation: Int { max(architecture.n / 4, 1) }
    /// As `bmshj-f-vr`, whose transforms these are.
    package var analysisHalo: Int { 32 }
    package var synthesisHalo: Int { 4 }
    package var latentDependsOnQuality: Bool { qualities > 1 }

    /// The latent of quality 1; the codec calls `analysis(_:quality:_:)`.
    package func analysis(_ x: Tensor, _ parameters: Parameters) -> Tensor { analyses[0].forward(x, parameters) }

    package func analysis(_ x: Tensor, quality: Int, _ parameters: Parameters) -> Tensor {
        analyses[quality - 1].forward(x, parameters)
    }
}
