import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ballé et al. 2018's scale-hyperprior model (CompressAI's `ScaleHyperprior`), variable-rate with per-quality gain
/// vectors as `RateDistortionModel`, whose transforms g_a and g_s it shares (so it can start from its weights).
///
/// ```
/// x -> g_a -> y (M, H/16, W/16) -> * gain.analysis[q] -> y' -> round (training: + U(-1/2, 1/2)) -> y~
/// |y'| -> h_a: conv3x3/1 (M->Nh) ReLU conv5x5/2 ReLU conv5x5/2 -> z (Nh, H/64, W/64) -> round -> z~
///         (rate: -log2 p_q(z~), factorized prior, one density set per quality)
/// z~ -> h_s: deconv5x5/2 ReLU deconv5x5/2 ReLU conv3x3/1 (Nh->M) ReLU -> crop to (h, w) -> scales s
///         (rate: -log2 p(y~ | s), zero-mean Gaussian conditional)
/// y~ * gain.synthesis[q] -> g_s -> x^
/// ```
/// Keys: `g_a.*`, `g_s.*`, `gain.analysis`, `gain.synthesis` as `bmshj-f-vr`; `h_a.0/2/4.{weight,bias}` and
/// `h_s.0/2/4.{weight,bias}` as CompressAI numbers its `nn.Sequential`s; `entropy_bottleneck.*` is z's density
/// (Nh channels, one set per quality). h_s's output has 4 ceil(h / 4) rows, at least y's h; the extra bottom rows
/// and right columns are cropped, so images need only be multiples of 16, like `bmshj-f-vr`. The hyper transforms
/// are initialised as PyTorch's default (`kaiming_uniform_(a = sqrt(5))`), as CompressAI's are.
///
/// The hyper width Nh (h_a, h_s and z, `hyperChannels`) is N unless given: `bmshj-hp-vr-n128` has N = 128 transforms
/// around `bmshj-hp-vr`'s width-64 hyper transforms, so that it can start from that model (`widened`).
package struct HyperpriorModel: Sendable {
    package let id: String
    /// The width of g_a and g_s.
    package let n: Int
    package let m: Int
    /// The width of h_a, h_s and z (the hyper-latent's channels).
    package let hyperChannels: Int
    package let lambdas: [Float]
    /// The factorized model whose transforms and gains `--init-from` takes (nil: none has these widths).
    package let factorizedID: String?
    /// The narrower hyperprior model that `--init-from` widens into this one (`widened`), or nil.
    package let narrowerID: String?
    /// g_a and g_s, the gains and their initialisation; its own entropy bottleneck is not part of this model.
    package let core: RateDistortionModel
    package let hyperAnalysis: Sequential
    package let hyperSynthesis: Sequential
    package let bottleneck: EntropyBottleneck

    /// - Parameters:
    ///   - factorizedID: the factorized model with the same transforms (`--init-from` takes g_a, g_s, gains), or nil.
    ///   - hyperChannels: the width of h_a, h_s and z; nil for N.
    ///   - narrowerID: a hyperprior model with the same M, hyper width and lambdas and a narrower N, which
    ///     `--init-from` widens into this one (`widened`); nil for none.
    ///   - path: the kernels of g_a, h_a and h_s; the codec runs `.portable` so that z and the scale indices are the
    ///     same on every machine (g_s always runs the fast kernels).
    package init(
        id: String, factorizedID: String?, n: Int, m: Int, hyperChannels: Int? = nil, lambdas: [Float],
        narrowerID: String? = nil, path: KernelPath = .fast
    ) {
        let hyper = hyperChannels ?? n
        precondition(n > 0 && m > 0 && hyper > 0, "HyperpriorModel: widths")
        self.id = id
        self.n = n
        self.m = m
        self.hyperChannels = hyper
        self.lambdas = lambdas
        self.factorizedID = factorizedID
        self.narrowerID = narrowerID
        core = RateDistortionModel(id: factorizedID ?? id, n: n, m: m, lambdas: lambdas, analysisPath: path)
        func conv(_ key: String, _ from: Int, _ to: Int, _ kernel: Int, _ stride: Int) -> any Layer {
            Conv2D(
                key, inChannels: from, outChannels: to, kernelSize: kernel, stride: stride, padding: kernel / 2,
                path: path, pytorchDefaultInit: true)
        }
        func deconv(_ key: String) -> any Layer {
            ConvTranspose2D(
                key, inChannels: hyper, outChannels: hyper, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1,
                path: path)
        }
        hyperAnalysis = Sequential([
            conv("h_a.0", m, hyper, 3, 1), ReLU(), conv("h_a.2", hyper, hyper, 5, 2), ReLU(),
            conv("h_a.4", hyper, hyper, 5, 2),
        ])
        hyperSynthesis = Sequential([
            deconv("h_s.0"), ReLU(), deconv("h_s.2"), ReLU(), conv("h_s.4", hyper, m, 3, 1), ReLU(),
        ])
        bottleneck = EntropyBottleneck("entropy_bottleneck", channels: hyper, qualities: lambdas.count)
    }

    package static let rate = RateDistortionModel.fourStageRate
    /// z is 4 times smaller than y.
    package static let hyperRate = 4
    package var qualities: Int { lambdas.count }

    package var parameterSpecs: [ParameterSpec] {
        core.analysis.parameterSpecs + core.synthesis.parameterSpecs + hyperAnalysis.parameterSpecs
            + hyperSynthesis.parameterSpecs + bottleneck.parameterSpecs + [
                ParameterSpec("gain.analysis", shape: [qualities, m], initializer: .constant(1)),
                ParameterSpec("gain.synthesis", shape: [qualities, m], initializer: .constant(1)),
            ]
    }

    /// Fresh parameters from `seed`, gains as `RateDistortionModel.initialParameters`.
    package func initialParameters(seed: UInt64) -> Parameters {
        var parameters = Parameters(specs: parameterSpecs, seed: seed)
        RateDistortionModel.setInitialGains(&parameters, lambdas: lambdas, channels: m)
        return parameters
    }

    /// Parameters from `file`: this model's own weights; the narrower hyperprior's (`narrowerID`), widened so that
    /// this model computes the same function (`widened`, new channels drawn from `seed`); or the factorized
    /// model's (`factorizedID`), whose g_a, g_s and gains are taken (adapted to these lambdas as
    /// `RateDistortionModel.parameters(adapting:)` does), with h_a, h_s and z's density fresh from `seed`.
    ///
    /// - Throws: `WeightsError` when `file` is none of these models, or its tensors do not fit their key table.
    package func parameters(initialisingFrom file: WeightsFile, seed: UInt64) throws(WeightsError) -> Parameters {
        if file.modelID == id { return try Parameters(loading: file, modelID: id, specs: parameterSpecs) }
        if let narrowerID, file.modelID == narrowerID, let narrower = ModelRegistry.hyperprior(narrowerID) {
            let trained = try Parameters(loading: file, modelID: narrowerID, specs: narrower.parameterSpecs)
            return widened(trained, of: narrower, seed: seed)
        }
        guard factorizedID != nil else { throw .wrongModel(expected: narrowerID ?? id, found: file.modelID) }
        let factorized = try core.parameters(adapting: file)
        var parameters = initialParameters(seed: seed)
        let shared = core.analysis.parameterSpecs + core.synthesis.parameterSpecs
        for name in shared.map(\.name) + ["gain.analysis", "gain.synthesis"] {
            parameters.set(name, factorized.tensor(name))
        }
        return parameters
    }

    /// The gained latent of sample i at `qualities[i]` (0-based).
    package func gained(_ y: Tensor, qualities: [Int], _ parameters: Parameters) -> Tensor {
        RateDistortionModel.scale(y, gains: parameters.tensor("gain.analysis"), qualities: qualities)
    }

    /// z = h_a(|gained|), before rounding.
    package func hyperLatent(_ gained: Tensor, _ parameters: Parameters) -> Tensor {
        var magnitude = gained
        for i in magnitude.data.indices { magnitude.data[i] = abs(magnitude.data[i]) }
        return hyperAnalysis.forward(magnitude, parameters)
    }

    /// The predicted scales of a (N', M, height, width) latent from z~: h_s(z~) cropped to the latent's size.
    package func scales(_ zHat: Tensor, height: Int, width: Int, _ parameters: Parameters) -> Tensor {
        Self.crop(hyperSynthesis.forward(zHat, parameters), height: height, width: width)
    }

    /// The top-left `height` x `width` of every plane of `t` (N, C, H, W).
    package static func crop(_ t: Tensor, height: Int, width: Int) -> Tensor {
        let (N, C, H, W) = t.nchw
        precondition(height <= H && width <= W, "HyperpriorModel.crop: \(t.shape) to \(height)x\(width)")
        if height == H && width == W { return t }
        var out = Tensor(shape: [N, C, height, width])
        for plane in 0..<N * C {
            for r in 0..<height {
                let source = (plane * H + r) * W
                let destination = (plane * height + r) * width
                out.data.replaceSubrange(destination..<destination + width, with: t.data[source..<source + width])
            }
        }
        return out
    }

    /// The adjoint of `crop`: `gradient` placed top-left in zeros of `height` x `width`.
    package static func uncrop(_ gradient: Tensor, height: Int, width: Int) -> Tensor {
        let (N, C, h, w) = gradient.nchw
        if h == height && w == width { return gradient }
        var out = Tensor(shape: [N, C, height, width])
        for plane in 0..<N * C {
            for r in 0..<h {
                let source = (plane * h + r) * w
                let destination = (plane * height + r) * width
                out.data.replaceSubrange(destination..<destination + w, with: gradient.data[source..<source + w])
            }
        }
        return out
    }

    /// Inference with rounding at `quality` (0-based): the reconstruction and each sample's estimated bits (y under
    /// the Gaussian conditional, z under its factorized prior).
    package func reconstruct(_ x: Tensor, quality: Int, _ parameters: Parameters) -> (
        reconstruction: Tensor, bits: [Double]
    ) {
        let N = x.shape[0]
        let qualities = Array(repeating: quality, count: N)
        let gained = gained(core.analysis.forward(x, parameters), qualities: qualities, parameters)
        var yHat = gained
        for i in yHat.data.indices { yHat.data[i] = Float(Quantizer.symbol(yHat.data[i])) }
        var zHat = hyperLatent(gained, parameters)
        for i in zHat.data.indices { zHat.data[i] = Float(Quantizer.symbol(zHat.data[i])) }
        let scales = scales(zHat, height: yHat.shape[2], width: yHat.shape[3], parameters)
        var bits = [Double](repeating: 0, count: N)
        for likelihoods in [
            GaussianConditional.likelihoods(yHat, scales: scales),
            bottleneck.likelihoods(zHat, quality: quality, parameters),
        ] {
            let perSample = likelihoods.count / max(N, 1)
            for i in likelihoods.data.indices { bits[i / perSample] -= log2(Double(likelihoods.data[i])) }
        }
        return (core.decode(yHat, quality: quality, parameters), bits)
    }
}
