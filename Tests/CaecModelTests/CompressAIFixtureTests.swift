import CaecModel
import CaecTensor
import CaecTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CompressAI's tiny models (Tests/Fixtures/compressai, made by scripts/compressai/make_fixture.py) run with caec's
/// own layers: the converted weights load into caec's key tables, and caec's transforms and densities reproduce
/// what CompressAI computed. No torch needed. Conventions are PyTorch's on both sides (conv weight (OC, IC, KH, KW),
/// transposed (IC, OC, KH, KW), padding 2, output padding 1, GDN gamma[i, j] weighing x_j^2 for channel i); the
/// only conversion is GDN's (effective in the file, stored in caec).
@Suite struct CompressAIFixtureTests {
    static let (N, M) = (8, 12)
    static let directory = "Tests/Fixtures/compressai/"

    /// The analysis transform of CompressAI's `FactorizedPrior` / `ScaleHyperprior` at widths N, M.
    static func analysis(_ key: String, _ inC: Int, _ N: Int, _ M: Int, path: KernelPath) -> Sequential {
        Sequential([
            Conv2D("\(key).0", inChannels: inC, outChannels: N, kernelSize: 5, stride: 2, padding: 2, path: path),
            GDNLayer("\(key).1", channels: N, path: path),
            Conv2D("\(key).2", inChannels: N, outChannels: N, kernelSize: 5, stride: 2, padding: 2, path: path),
            GDNLayer("\(key).3", channels: N, path: path),
            Conv2D("\(key).4", inChannels: N, outChannels: N, kernelSize: 5, stride: 2, padding: 2, path: path),
            GDNLayer("\(key).5", channels: N, path: path),
            Conv2D("\(key).6", inChannels: N, outChannels: M, kernelSize: 5, stride: 2, padding: 2, path: path),
        ])
    }

    static func synthesis(_ key: String, _ N: Int, _ M: Int, path: KernelPath) -> Sequential {
        func deconv(_ i: Int, _ inC: Int, _ outC: Int) -> ConvTranspose2D {
            ConvTranspose2D(
                "\(key).\(i)", inChannels: inC, outChannels: outC, kernelSize: 5, stride: 2, padding: 2,
                outputPadding: 1, path: path)
        }
        return Sequential([
            deconv(0, M, N), GDNLayer("\(key).1", channels: N, inverse: true, path: path),
            deconv(2, N, N), GDNLayer("\(key).3", channels: N, inverse: true, path: path),
            deconv(4, N, N), GDNLayer("\(key).5", channels: N, inverse: true, path: path),
            deconv(6, N, 3),
        ])
    }

    /// CompressAI's default density: filters (3, 3, 3, 3), one quality.
    static func bottleneck(channels: Int) -> EntropyBottleneck {
        EntropyBottleneck("entropy_bottleneck", channels: channels, qualities: 1, filters: [3, 3, 3, 3])
    }

    static func load(_ name: String) throws -> SafeTensors {
        try SafeTensors(parsing: Golden.required(directory + name))
    }

    static func tensor(_ file: SafeTensors, _ name: String) throws -> Tensor {
        let entry = try #require(file.tensor(name), "fixture lacks \(name)")
        return Tensor(shape: entry.shape, data: entry.values)
    }

    /// x = pixels / 255, as CompressAI's side computed it (the pixels are stored as exact integers in F16).
    static func input(_ io: SafeTensors) throws -> Tensor {
        var x = try tensor(io, "x_pixels")
        for i in x.data.indices { x.data[i] /= 255 }
        return x
    }

    /// Largest absolute difference, and that relative to the largest magnitude of `expected`.
    static func error(_ actual: Tensor, _ expected: Tensor) -> (abs: Float, relative: Float) {
        precondition(actual.shape == expected.shape, "shapes \(actual.shape) and \(expected.shape)")
        let absolute = zip(actual.data, expected.data).map { abs($0 - $1) }.max() ?? 0
        let scale = expected.data.map(abs).max() ?? 1
        return (absolute, absolute / scale)
    }

    /// CompressAI's eval-mode quantisation: round(v - median) + median (half to even, as torch.round).
    static func quantizedAroundMedians(_ latent: Tensor, quantiles: Tensor) -> Tensor {
        let (_, C, H, W) = latent.nchw
        var result = latent
        for i in result.data.indices {
            let median = quantiles.data[(i / (H * W) % C) * 3 + 1]
            result.data[i] = (latent.data[i] - median).rounded(.toNearestOrEven) + median
        }
        return result
    }

    static func bits(_ likelihoods: Tensor) -> Double {
        likelihoods.data.reduce(0) { $0 - log2(Double($1)) }
    }

    @Test func factorizedWeightsMatchTheKeyTableExactly() throws {
        let weights = try Self.load("bmshj2018-factorized.safetensors")
        #expect(weights.metadata["arch"] == "bmshj2018-factorized")
        #expect(weights.metadata["gdn"] == "effective")
        #expect(weights.metadata["N"] == "8" && weights.metadata["M"] == "12")
        let specs =
            Self.analysis("g_a", 3, Self.N, Self.M, path: .reference).parameterSpecs
            + Self.synthesis("g_s", Self.N, Self.M, path: .reference).parameterSpecs
            + Self.bottleneck(channels: Self.M).parameterSpecs
        _ = try Parameters(loading: weights, specs: specs, ignoring: ["entropy_bottleneck.quantiles"])
        // The quantiles are the only tensor outside caec's key table, and there is no lenient mode for others.
        #expect(throws: WeightsError.unexpectedTensor("entropy_bottleneck.quantiles")) {
            try Parameters(loading: weights, specs: specs)
        }
    }

    /// y = g_a(x), y_hat, the density's likelihoods of y_hat, the estimated bits and x_hat = g_s(y_hat), each
    /// against CompressAI's, with every kernel path.
    @Test(arguments: [KernelPath.reference, .fast, .portable])
    func factorizedPriorMatchesCompressAI(path: KernelPath) throws {
        let weights = try Self.load("bmshj2018-factorized.safetensors")
        let io = try Self.load("bmshj2018-factorized-io.safetensors")
        let g_a = Self.analysis("g_a", 3, Self.N, Self.M, path: path)
        let g_s = Self.synthesis("g_s", Self.N, Self.M, path: path)
        let bottleneck = Self.bottleneck(channels: Self.M)
        let parameters = try Parameters(
            loading: weights, specs: g_a.parameterSpecs + g_s.parameterSpecs + bottleneck.parameterSpecs,
            ignoring: ["entropy_bottleneck.quantiles"])

        let y = g_a.forward(try Self.input(io), parameters)
        let yError = Self.error(y, try Self.tensor(io, "y"))
        #expect(yError.relative < 1e-5, "y: max abs \(yError.abs), relative \(yError.relative)")

        // CompressAI's y_hat, from its own y, with the medians the converter kept.
        let quantiles = try Self.tensor(weights, "entropy_bottleneck.quantiles")
        let yHat = try Self.tensor(io, "y_hat")
        #expect(Self.quantizedAroundMedians(try Self.tensor(io, "y"), quantiles: quantiles).data == yHat.data)

        let likelihoods = bottleneck.likelihoods(yHat, quality: 0, parameters)
        let likelihoodError = Self.error(likelihoods, try Self.tensor(io, "likelihoods_y"))
        #expect(likelihoodError.abs < 1e-6, "likelihoods: max abs \(likelihoodError.abs)")
        let estimated = Double(try #require(io.metadata["estimated_bits"]))!
        #expect(abs(Self.bits(likelihoods) - estimated) < 1e-4 * estimated, "bits \(Self.bits(likelihoods))")

        let xHat = g_s.forward(yHat, parameters)
        let xError = Self.error(xHat, try Self.tensor(io, "x_hat"))
        #expect(xError.relative < 1e-5, "x_hat: max abs \(xError.abs), relative \(xError.relative)")
    }

    /// The check can fail: taking the file's effective GDN values as caec's stored ones (skipping the conversion)
    /// moves y far outside the tolerance above.
    @Test func skippingTheGDNConversionIsDetected() throws {
        let weights = try Self.load("bmshj2018-factorized.safetensors")
        let io = try Self.load("bmshj2018-factorized-io.safetensors")
        let g_a = Self.analysis("g_a", 3, Self.N, Self.M, path: .reference)
        var parameters = try Parameters(
            loading: weights, specs: g_a.parameterSpecs,
            ignoring: Set(
                weights.tensors.map(\.name).filter { !$0.hasPrefix("g_a.") }))
        for spec in g_a.parameterSpecs where Parameters.gdnMinimum(forKey: spec.name) != nil {
            let entry = try #require(weights.tensor(spec.name))
            parameters.set(spec.name, Tensor(shape: entry.shape, data: entry.values))
        }
        let y = g_a.forward(try Self.input(io), parameters)
        #expect(Self.error(y, try Self.tensor(io, "y")).relative > 1e-2)
    }

    /// The hyperprior's four transforms (ReLU between h_a's and h_s's layers), its z density and the Gaussian
    /// conditional's likelihoods of y_hat (scales bounded below by `scale_bound`, zero means).
    @Test func scaleHyperpriorMatchesCompressAI() throws {
        let weights = try Self.load("bmshj2018-hyperprior.safetensors")
        let io = try Self.load("bmshj2018-hyperprior-io.safetensors")
        let (N, M) = (Self.N, Self.M)
        let g_a = Self.analysis("g_a", 3, N, M, path: .reference)
        let g_s = Self.synthesis("g_s", N, M, path: .reference)
        let h_a = Sequential([
            Conv2D("h_a.0", inChannels: M, outChannels: N, kernelSize: 3, stride: 1, padding: 1, path: .reference),
            ReLU(),
            Conv2D("h_a.2", inChannels: N, outChannels: N, kernelSize: 5, stride: 2, padding: 2, path: .reference),
            ReLU(),
            Conv2D("h_a.4", inChannels: N, outChannels: N, kernelSize: 5, stride: 2, padding: 2, path: .reference),
        ])
        func deconv(_ key: String) -> ConvTranspose2D {
            ConvTranspose2D(
                key, inChannels: N, outChannels: N, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1,
                path: .reference)
        }
        let h_s = Sequential([
            deconv("h_s.0"), ReLU(), deconv("h_s.2"), ReLU(),
            Conv2D("h_s.4", inChannels: N, outChannels: M, kernelSize: 3, stride: 1, padding: 1, path: .reference),
            ReLU(),
        ])
        let bottleneck = Self.bottleneck(channels: N)
        let specs =
            g_a.parameterSpecs + g_s.parameterSpecs + h_a.parameterSpecs + h_s.parameterSpecs
            + bottleneck.parameterSpecs
        let parameters = try Parameters(
            loading: weights, specs: specs,
            ignoring: ["entropy_bottleneck.quantiles", "gaussian_conditional.scale_table"])

        let y = g_a.forward(try Self.input(io), parameters)
        let yExpected = try Self.tensor(io, "y")
        #expect(Self.error(y, yExpected).relative < 1e-5, "y: \(Self.error(y, yExpected))")
        var magnitude = yExpected
        for i in magnitude.data.indices { magnitude.data[i] = abs(magnitude.data[i]) }
        let z = h_a.forward(magnitude, parameters)
        let zError = Self.error(z, try Self.tensor(io, "z"))
        #expect(zError.relative < 1e-5, "z: \(zError)")
        let zHat = try Self.tensor(io, "z_hat")
        let quantiles = try Self.tensor(weights, "entropy_bottleneck.quantiles")
        #expect(Self.quantizedAroundMedians(try Self.tensor(io, "z"), quantiles: quantiles).data == zHat.data)
        let zLikelihoods = bottleneck.likelihoods(zHat, quality: 0, parameters)
        let zLikelihoodError = Self.error(zLikelihoods, try Self.tensor(io, "likelihoods_z"))
        #expect(zLikelihoodError.abs < 1e-6, "z likelihoods: \(zLikelihoodError)")

        let scales = h_s.forward(zHat, parameters)
        let scalesExpected = try Self.tensor(io, "scales_hat")
        #expect(Self.error(scales, scalesExpected).relative < 1e-5, "scales: \(Self.error(scales, scalesExpected))")

        // GaussianConditional with no means: y_hat = round(y); likelihood = Phi((1/2 - |v|) / s) - Phi((-1/2 - |v|)
        // / s), s = max(scale, scale_bound), bounded below by 1e-9.
        let yHat = try Self.tensor(io, "y_hat")
        #expect(yExpected.data.map { $0.rounded(.toNearestOrEven) } == yHat.data)
        let scaleBound = Float(try #require(weights.metadata["scale_bound"]))!
        var yLikelihoods = yHat
        for i in yHat.data.indices {
            let s = max(scalesExpected.data[i], scaleBound)
            let v = abs(yHat.data[i])
            func phi(_ t: Float) -> Float { 0.5 * erfcf(-t / Float(2).squareRoot()) }
            yLikelihoods.data[i] = max(phi((0.5 - v) / s) - phi((-0.5 - v) / s), 1e-9)
        }
        let yLikelihoodError = Self.error(yLikelihoods, try Self.tensor(io, "likelihoods_y"))
        #expect(yLikelihoodError.abs < 1e-6, "y likelihoods: \(yLikelihoodError)")
        let estimated = Double(try #require(io.metadata["estimated_bits"]))!
        let total = Self.bits(yLikelihoods) + Self.bits(zLikelihoods)
        #expect(abs(total - estimated) < 1e-4 * estimated, "bits \(total), CompressAI \(estimated)")

        let xHat = g_s.forward(yHat, parameters)
        let xError = Self.error(xHat, try Self.tensor(io, "x_hat"))
        #expect(xError.relative < 1e-5, "x_hat: \(xError)")
    }
}
