import CaecModel
import CaecTensor

/// Multiply-accumulates (MACs) of one forward pass, counted layer by layer on the shapes a real forward produces:
/// the deterministic counter beside every speed figure of `caec bench`.
///
/// Counted: convolutions (`OC x IC x KH x KW` per output pixel), transposed convolutions (`OC x KH x KW` per input
/// element), fully connected layers (`in x out`) and GDN (`C^2` per pixel). Activations, pooling, normalisation
/// and additions are not multiply-accumulates of a weight and are not counted.
package enum MultiplyAccumulates {
    /// MACs of model `id` on one `side` x `side` RGB image: the encoder and decoder of an autoencoder, a
    /// classifier's network, the analysis and synthesis transforms of a rate-distortion model, and the hyper
    /// transforms as well for a scale-hyperprior model. Nil for an unknown id.
    package static func perImage(modelID id: String, side: Int = 32) -> Int? {
        let image = Tensor(shape: [1, 3, side, side], repeating: 0.5)
        if let model = ModelRegistry.autoencoder(id) {
            return chain([model.encoder, model.decoder], image, model.parameterSpecs)
        }
        if let model = ModelRegistry.classifier(id) { return chain([model.network], image, model.parameterSpecs) }
        if let model = ModelRegistry.rateDistortion(id) {
            return chain([model.analysis, model.synthesis], image, model.parameterSpecs)
        }
        if let model = ModelRegistry.hyperprior(id) {
            let parameters = Parameters(specs: model.parameterSpecs, seed: 1)
            let (analysis, latent) = count(model.core.analysis, image, parameters)
            let (hyperAnalysis, hyperLatent) = count(model.hyperAnalysis, latent, parameters)
            let hyperSynthesis = count(model.hyperSynthesis, hyperLatent, parameters).macs
            return analysis + hyperAnalysis + hyperSynthesis + count(model.core.synthesis, latent, parameters).macs
        }
        return nil
    }

    /// MACs of `layers` applied in turn to `input`, with parameters initialised from `specs`.
    private static func chain(_ layers: [any Layer], _ input: Tensor, _ specs: [ParameterSpec]) -> Int {
        count(Sequential(layers), input, Parameters(specs: specs, seed: 1)).macs
    }

    /// MACs of `layer` on `input` (one sample, (1, C, H, W) or (1, F)), and its output.
    package static func count(_ layer: any Layer, _ input: Tensor, _ parameters: Parameters)
        -> (macs: Int, output: Tensor)
    {
        switch layer {
        case let sequential as Sequential:
            var (macs, x) = (0, input)
            for child in sequential.layers {
                let (childMACs, y) = count(child, x, parameters)
                macs += childMACs
                x = y
            }
            return (macs, x)
        case let residual as Residual:
            // The skip adds; the body's MACs are those of the block.
            return (count(residual.body, input, parameters).macs, layer.forward(input, parameters))
        default:
            let output = layer.forward(input, parameters)
            return (macs(of: layer, input: input, output: output), output)
        }
    }

    /// MACs of a leaf layer that mapped `input` to `output` (one sample).
    private static func macs(of layer: any Layer, input: Tensor, output: Tensor) -> Int {
        switch layer {
        case let conv as Conv2D:
            // output is (1, OC, OH, OW)
            output.count * conv.inChannels * conv.geometry.kernelHeight * conv.geometry.kernelWidth
        case let deconv as ConvTranspose2D:
            // input is (1, IC, H, W): each input element meets OC x KH x KW weights
            input.count * deconv.outChannels * deconv.geometry.kernelHeight * deconv.geometry.kernelWidth
        case let linear as Linear: linear.inFeatures * linear.outFeatures
        case let gdn as GDNLayer: input.count * gdn.channels
        default: 0
        }
    }
}
