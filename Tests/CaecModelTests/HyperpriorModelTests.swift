import CaecModel
import CaecTensor
import CaecTestSupport
import Testing

/// `bmshj-hp-vr`: its key table, the hyper transforms' shapes, and the determinism the codec relies on: the scale
/// indices the decoder derives from z are the same bits whatever kernels compute h_s.
@Suite struct HyperpriorModelTests {
    static let model = ModelRegistry.hyperprior("bmshj-hp-vr")!

    @Test func keyTableExtendsTheFactorizedModelsTransformsAndGains() {
        let specs = Self.model.parameterSpecs
        let factorized = ModelRegistry.rateDistortion("bmshj-f-vr")!.parameterSpecs
        let shared = factorized.filter { !$0.name.hasPrefix("entropy_bottleneck.") }
        for spec in shared { #expect(specs.contains(spec), "\(spec.name)") }
        let byName = Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0.shape) })
        #expect(byName["h_a.0.weight"] == [64, 128, 3, 3] && byName["h_a.2.weight"] == [64, 64, 5, 5])
        #expect(byName["h_a.4.weight"] == [64, 64, 5, 5] && byName["h_s.0.weight"] == [64, 64, 5, 5])
        #expect(byName["h_s.2.weight"] == [64, 64, 5, 5] && byName["h_s.4.weight"] == [128, 64, 3, 3])
        #expect(byName["h_s.4.bias"] == [128] && byName["entropy_bottleneck.matrices.0"] == [8, 64, 3, 1])
        #expect(byName["gain.analysis"] == [8, 128])
        // g_a + g_s (as bmshj-f-vr) + h_a + h_s + z's 8 density sets + gains.
        let count = specs.filter { $0.kind == .parameter }.reduce(0) { $0 + $1.count }
        #expect(count == 1_435_843, "parameters: \(count)")
    }

    @Test func registeredKeyTableAndSaveLoadForwardIsBitIdentical() throws {
        let specs = try #require(ModelRegistry.parameterSpecs("bmshj-hp-vr"))
        #expect(specs.count == 8 + 6 + 8 + 6 + 6 + 6 + 11 + 2)
        let model = HyperpriorModel(id: "bmshj-hp-vr", factorizedID: "bmshj-f-vr", n: 4, m: 5, lambdas: [0.01, 0.04])
        let original = model.initialParameters(seed: 3)
        let bytes = original.weightsFile(modelID: model.id).serialized()
        let loaded = try Parameters(
            loading: WeightsFile(parsing: bytes), modelID: model.id, specs: model.parameterSpecs)
        #expect(loaded.values == original.values)
        var random = SeededRandom(seed: 10)
        let x = Tensor(shape: [1, 3, 48, 32], data: random.floats(3 * 48 * 32, in: 0..<1))
        let a = model.reconstruct(x, quality: 1, original)
        let b = model.reconstruct(x, quality: 1, loaded)
        #expect(a.reconstruction.shape == x.shape && a.bits[0] > 0)
        #expect(a.reconstruction.data == b.reconstruction.data && a.bits == b.bits)
    }

    @Test func hyperTransformsShrinkByFourAndScalesCropToTheLatent() {
        let parameters = Self.model.initialParameters(seed: 3)
        var random = SeededRandom(seed: 1)
        for (h, w) in [(4, 4), (5, 7), (1, 1), (9, 2)] {
            let y = Tensor(shape: [1, 128, h, w], data: random.floats(128 * h * w, in: -4..<4))
            let z = Self.model.hyperLatentSymbols(y, quality: 3, parameters)
            #expect(z.shape == [1, 64, (h + 3) / 4, (w + 3) / 4])
            #expect(z.data.allSatisfy { $0 == $0.rounded() })
            let scales = Self.model.scales(z, height: h, width: w, parameters)
            #expect(scales.shape == [1, 128, h, w] && scales.data.allSatisfy { $0 >= 0 })
        }
    }

    @Test func scaleIndexIsTheFirstBoundAtLeastTheScale() {
        let bounds = GaussianConditional.scaleTable
        #expect(bounds.count == 64 && bounds.first == 0.11 && abs(bounds.last! - 256) < 1e-4)
        #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 })
        #expect(GaussianConditional.scaleIndex(0, bounds: bounds) == 0)
        #expect(GaussianConditional.scaleIndex(0.11, bounds: bounds) == 0)
        #expect(GaussianConditional.scaleIndex(Float(0.11).nextUp, bounds: bounds) == 1)
        #expect(GaussianConditional.scaleIndex(bounds[40], bounds: bounds) == 40)
        #expect(GaussianConditional.scaleIndex(bounds[40].nextUp, bounds: bounds) == 41)
        #expect(GaussianConditional.scaleIndex(1e9, bounds: bounds) == 63)
        #expect(GaussianConditional.scaleIndex(.infinity, bounds: bounds) == 63)
        #expect(GaussianConditional.scaleIndex(.nan, bounds: bounds) == 63)
    }

    /// The decoder's h_s runs the portable kernels (the exact convolution, the reference-order transposed
    /// convolution); the reference kernels are the spec. Both give the same scale bits and so the same indices, at
    /// every instruction-set level of the exact kernels and any thread count.
    @Test(arguments: [(4, 4), (3, 5), (7, 2), (12, 8)])
    func scaleIndicesAreBitExactAgainstTheReferenceKernels(height: Int, width: Int) {
        let portable = ModelRegistry.hyperprior("bmshj-hp-vr", path: .portable)!
        let reference = ModelRegistry.hyperprior("bmshj-hp-vr", path: .reference)!
        var parameters = portable.initialParameters(seed: 11)
        // Larger h_s biases so that scales spread over the whole table.
        var bias = parameters.tensor("h_s.4.bias")
        for i in bias.data.indices { bias.data[i] = Float(i % 9) * 1.5 }
        parameters.set("h_s.4.bias", bias)
        var random = SeededRandom(seed: UInt64(height * 31 + width))
        let (zh, zw) = ((height + 3) / 4, (width + 3) / 4)
        let z = Tensor(
            shape: [1, 64, zh, zw], data: random.floats(64 * zh * zw, in: -30..<30).map { $0.rounded() })
        let bounds = GaussianConditional.scaleTable
        let expectedScales = reference.scales(z, height: height, width: width, parameters)
        let expected = reference.scaleIndices(z, height: height, width: width, bounds: bounds, parameters)
        #expect(Set(expected).count > 8, "indices should spread: \(Set(expected).sorted())")
        for level in ExactKernels.supported {
            for workers in [1, 2] {
                ExactKernels.$forcedLevel.withValue(level) {
                    TensorParallelism.$maxWorkers.withValue(workers) {
                        let scales = portable.scales(z, height: height, width: width, parameters)
                        #expect(
                            zip(scales.data, expectedScales.data).allSatisfy { $0 == $1 },
                            "scales differ at level \(level), \(workers) workers")
                        let indices = portable.scaleIndices(
                            z, height: height, width: width, bounds: bounds, parameters)
                        #expect(indices == expected, "indices differ at level \(level), \(workers) workers")
                    }
                }
            }
        }
    }

    /// The portable (polyphase) transposed convolution sums in the reference loop's order (one multiply and one add a
    /// step), so on random data (no sum exactly zero) it gives the reference's bits.
    @Test func portableTransposedConvolutionEqualsTheReferenceBitForBit() {
        var random = SeededRandom(seed: 8)
        let input = Tensor(shape: [1, 64, 3, 5], data: random.floats(64 * 15))
        let weight = Tensor(shape: [64, 64, 5, 5], data: random.floats(64 * 64 * 25, in: -0.1..<0.1))
        let bias = Tensor(shape: [64], data: random.floats(64))
        let g = Conv2DGeometry(kernelSize: 5, stride: 2, padding: 2)
        let reference = Tensor.convTranspose2d(
            input, weight: weight, bias: bias, geometry: g, outputPaddingH: 1, outputPaddingW: 1, path: .reference)
        let portable = Tensor.convTranspose2d(
            input, weight: weight, bias: bias, geometry: g, outputPaddingH: 1, outputPaddingW: 1, path: .portable)
        #expect(reference.data.map(\.bitPattern) == portable.data.map(\.bitPattern))
        let fast = Tensor.convTranspose2d(
            input, weight: weight, bias: bias, geometry: g, outputPaddingH: 1, outputPaddingW: 1, path: .fast)
        expectClose(fast.data, reference.data, maxAbs: 1e-4)
    }

    @Test func cropAndUncropAreAdjoint() {
        var random = SeededRandom(seed: 2)
        let t = Tensor(shape: [2, 3, 8, 8], data: random.floats(384))
        let g = Tensor(shape: [2, 3, 5, 6], data: random.floats(180))
        let cropped = HyperpriorModel.crop(t, height: 5, width: 6)
        let back = HyperpriorModel.uncrop(g, height: 8, width: 8)
        let left = zip(cropped.data, g.data).reduce(0) { $0 + Double($1.0 * $1.1) }
        let right = zip(t.data, back.data).reduce(0) { $0 + Double($1.0 * $1.1) }
        #expect(abs(left - right) < 1e-4)
        #expect(cropped[1, 2, 4, 5] == t[1, 2, 4, 5])
    }
}
