import CaecTensor

/// The paper's convolutional autoencoder: an encoder of conv3x3 + ReLU + maxpool2 blocks and a decoder of
/// conv3x3 + ReLU + nearest-neighbour x2 blocks, a last conv3x3 to 3 channels and a sigmoid.
///
/// ```
/// x (3, H, W) -> [conv3x3 -> ReLU -> maxpool2] x k -> latent (32, H/r, W/r)        r = 2^k
/// latent -> [conv3x3 -> ReLU -> upsample x2] x k -> conv3x3 -> sigmoid -> (3, H, W)
/// ```
/// Encoder block i outputs `channels[i]` (the last is the 32-channel latent); decoder block j maps
/// `channels[k-1-j]` to `channels[max(k-2-j, 0)]`, mirroring the encoder. Keys: `enc.<i>.*`, `dec.<j>.*`,
/// `dec.out.*`. Fully convolutional: any H, W that are multiples of r.
package struct Autoencoder: Sendable {
    package let id: String
    /// How many times width and height shrink.
    package let rate: Int
    package let channels: [Int]
    package let encoder: Sequential
    package let decoder: Sequential

    /// - Parameter encoderPath: the kernels of the encoder's convolutions. The codec encodes with `.portable`,
    ///   whose fixed summation order makes the quantised latent, and so the `.cae` bytes, the same on every machine.
    package init(id: String, channels: [Int], encoderPath: KernelPath = .fast) {
        precondition(!channels.isEmpty, "Autoencoder: at least one block")
        self.id = id
        self.channels = channels
        rate = 1 << channels.count
        var encoderLayers: [any Layer] = []
        var inChannels = 3
        for (i, outChannels) in channels.enumerated() {
            encoderLayers += [
                Conv2D(
                    "enc.\(i)", inChannels: inChannels, outChannels: outChannels, kernelSize: 3, padding: 1,
                    path: encoderPath),
                ReLU(), MaxPool(size: 2),
            ]
            inChannels = outChannels
        }
        var decoderLayers: [any Layer] = []
        let k = channels.count
        for j in 0..<k {
            let from = channels[k - 1 - j]
            let to = channels[max(k - 2 - j, 0)]
            decoderLayers += [
                Conv2D("dec.\(j)", inChannels: from, outChannels: to, kernelSize: 3, padding: 1), ReLU(),
                UpsampleNearest(factor: 2),
            ]
        }
        decoderLayers += [
            Conv2D("dec.out", inChannels: channels[0], outChannels: 3, kernelSize: 3, padding: 1), Sigmoid(),
        ]
        encoder = Sequential(encoderLayers)
        decoder = Sequential(decoderLayers)
    }

    package var latentChannels: Int { channels.last! }
    package var parameterSpecs: [ParameterSpec] { encoder.parameterSpecs + decoder.parameterSpecs }

    /// Latent shape for an input of `height` x `width` (both multiples of `rate`).
    package func latentShape(batch: Int, height: Int, width: Int) -> [Int] {
        [batch, latentChannels, height / rate, width / rate]
    }

    package func encode(_ x: Tensor, _ parameters: Parameters) -> Tensor { encoder.forward(x, parameters) }
    package func decode(_ z: Tensor, _ parameters: Parameters) -> Tensor { decoder.forward(z, parameters) }
    package func reconstruct(_ x: Tensor, _ parameters: Parameters) -> Tensor {
        decode(encode(x, parameters), parameters)
    }
}
