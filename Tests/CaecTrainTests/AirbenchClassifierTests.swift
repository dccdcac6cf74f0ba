import CaecCore
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The evaluation classifier `airbench-cifar`: its network, its data-dependent initialisation and the parts of its
/// recipe that other recipes do not use (rate factors per parameter group, reflect padding).
@Suite struct AirbenchClassifierTests {
    /// Small images with correlated neighbouring pixels and channels (smooth random waves plus noise), as CIFAR's.
    static func correlatedImages(count: Int, seed: UInt64) -> ImageDataset {
        var random = SeededRandom(seed: seed)
        let side = 32
        var planes = [UInt8](repeating: 0, count: count * 3 * side * side)
        for n in 0..<count {
            let (fx, fy, phase) = (random.float(in: 0.1..<0.6), random.float(in: 0.1..<0.6), random.float(in: 0..<6))
            let tint = [random.float(in: 0.5..<1), random.float(in: 0.5..<1), random.float(in: 0.5..<1)]
            for c in 0..<3 {
                for y in 0..<side {
                    for x in 0..<side {
                        let angle: Float = fx * Float(x) + fy * Float(y) + phase
                        let wave: Float = 0.5 + 0.35 * sinf(angle) * tint[c]
                        let value: Float = wave + random.float(in: -0.1..<0.1)
                        planes[((n * 3 + c) * side + y) * side + x] = UInt8(max(0, min(255, value * 255)).rounded())
                    }
                }
            }
        }
        return ImageDataset(side: side, planes: planes, labels: [UInt8](repeating: 0, count: count))
    }

    /// The whitening filters make the 12 directions of 2x2 patches uncorrelated with unit variance and zero mean
    /// (up to the epsilon added to each eigenvalue), reading [0, 1] pixels; the other 12 are their negatives.
    @Test func whiteningDecorrelatesPatches() throws {
        let images = Self.correlatedImages(count: 64, seed: 7100)
        let whitening = try #require(ClassifierInitialization.whitening(images), "LAPACK dsyev")
        #expect(whitening.weight.shape == [24, 3, 2, 2] && whitening.bias.shape == [24])
        for i in 0..<144 { #expect(whitening.weight.data[144 + i] == -whitening.weight.data[i]) }
        let output = Tensor.conv2d(
            images.tensor(0..<images.count), weight: whitening.weight, bias: whitening.bias,
            geometry: Conv2DGeometry(kernelSize: 2, stride: 1, padding: 0))
        let (N, _, H, W) = output.nchw
        let positions = Double(N * H * W)
        var moments = [Double](repeating: 0, count: 144)
        var means = [Double](repeating: 0, count: 12)
        for n in 0..<N {
            for p in 0..<H * W {
                for i in 0..<12 {
                    let a = Double(output.data[(n * 24 + i) * H * W + p])
                    means[i] += a / positions
                    for j in 0..<12 { moments[i * 12 + j] += a * Double(output.data[(n * 24 + j) * H * W + p]) }
                }
            }
        }
        for i in 0..<12 {
            // Near 0, not 0: the channel means count the last row and column, which no patch starts at.
            #expect(abs(means[i]) < 0.01, "mean of direction \(i): \(means[i])")
            for j in 0..<12 {
                let value = moments[i * 12 + j] / positions
                // The epsilon shrinks the variance of a direction with eigenvalue l to l / (l + 5e-4).
                #expect(abs(value - (i == j ? 1 : 0)) < (i == j ? 0.05 : 1e-3), "moment (\(i), \(j)) = \(value)")
            }
        }
    }

    /// airbench's initialisation sets the whitening layer from the data and makes the first `in` filters of every
    /// block convolution the identity, leaving the other filters random.
    @Test func initialisationWhitensAndIdentities() throws {
        let model = Classifier.airbench(id: "airbench-test", widths: [32, 48, 48])
        var parameters = Parameters(specs: model.parameterSpecs, seed: 7200)
        let before = parameters
        let images = Self.correlatedImages(count: 16, seed: 7201)
        try #require(ClassifierInitialization.airbench(&parameters, images: images), "LAPACK dsyev")
        #expect(parameters.tensor("whiten.weight") == ClassifierInitialization.whitening(images)!.weight)
        let weight = parameters.tensor("block2.conv1.weight")  // (48, 32, 3, 3)
        for o in 0..<32 {
            for i in 0..<32 {
                for tap in 0..<9 {
                    #expect(weight.data[(o * 32 + i) * 9 + tap] == (o == i && tap == 4 ? 1 : 0))
                }
            }
        }
        let randomRest = (32 * 32 * 9..<48 * 32 * 9)
        #expect(
            Array(weight.data[randomRest]) == Array(before.tensor("block2.conv1.weight").data[randomRest]))
        #expect(parameters.tensor("fc.weight") == before.tensor("fc.weight"))
    }

    /// The network maps (N, 3, 32, 32) to (N, 10) through a 31x31 whitened map and three pooled groups.
    @Test func networkShape() {
        let model = Classifier.airbench(id: "airbench-test", widths: [8, 16, 16])
        let parameters = Parameters(specs: model.parameterSpecs, seed: 7300)
        var random = SeededRandom(seed: 7301)
        let x = Tensor(shape: [2, 3, 32, 32], data: random.floats(2 * 3 * 32 * 32, in: 0..<1))
        #expect(model.logits(x, parameters).shape == [2, 10])
        #expect(model.testTimeFlip)
        // At the published widths: the counts Spec/models.md gives.
        let judge = ModelRegistry.classifier(ModelRegistry.airbenchCIFARID)!
        let specs = judge.parameterSpecs
        #expect(specs.filter { $0.kind == .parameter }.reduce(0) { $0 + $1.count } == 1_972_802)
        #expect(specs.filter { $0.kind == .buffer }.reduce(0) { $0 + $1.count } == 2_304)
    }

    /// The recipe's groups: whitening filters and batch-norm scales fixed (factor 0), batch-norm shifts at 64x,
    /// everything else at 1x; buffers never step.
    @Test func recipeGroupsTheParameters() throws {
        let configuration = try #require(TrainingRecipe.configuration(for: ModelRegistry.airbenchCIFARID))
        #expect(configuration.optimizer == .sgd && configuration.augmentation == .cifarTranslate2)
        let model = try #require(ModelRegistry.classifier(ModelRegistry.airbenchCIFARID))
        let parameters = Parameters(specs: model.parameterSpecs, seed: 1)
        let mask = ParameterScale.mask(parameters, scales: configuration.parameterScales)
        for spec in parameters.specs {
            let expected: Float =
                spec.kind == .buffer || spec.name == "whiten.weight" || spec.name.hasSuffix("bn1.weight")
                    || spec.name.hasSuffix("bn2.weight") ? 0 : spec.name.contains(".bn") ? 64 : 1
            let offset = parameters.offset(of: spec.name)
            #expect(Set(mask[offset..<offset + spec.count]) == [expected], "\(spec.name)")
        }
        let objective = try #require(
            TrainingRecipe.objective(for: ModelRegistry.airbenchCIFARID) as? ClassificationObjective)
        #expect(objective.labelSmoothing == 0.2)
    }

    /// SGD with a float's factor k: rate times k, decay divided by k (the decay's pull the same); k = 0 never moves.
    @Test func sgdFactorsScaleTheRateNotTheDecay() {
        var optimizer = SGD(count: 3, momentum: 0, weightDecay: 0.5, nesterov: false)
        var values: [Float] = [1, 1, 1]
        optimizer.step(values: &values, gradients: [2, 2, 2], mask: [1, 64, 0], learningRate: 0.01)
        // p - lr k (g + (wd / k) p) = 1 - 0.01 k 2 - 0.01 * 0.5
        #expect(abs(values[0] - (1 - 0.01 * (2 + 0.5))) < 1e-6)
        #expect(abs(values[1] - (1 - 0.01 * 64 * 2 - 0.01 * 0.5)) < 1e-6)
        #expect(values[2] == 1)
    }

    /// Reflect padding mirrors about the edge pixel, so a translated image repeats its own pixels and never shows
    /// the zeros that zero padding brings in.
    @Test func reflectPaddingBringsNoZeros() {
        var random = SeededRandom(seed: 7400)
        let original = Tensor(shape: [16, 3, 32, 32], data: random.floats(16 * 3 * 32 * 32, in: 0.1..<1))
        var batch = original
        var generator = SplitMix64(seed: 7401)
        Augmentation.cifarTranslate2.apply(to: &batch, generator: &generator)
        #expect(batch != original)
        #expect(batch.data.allSatisfy { $0 >= 0.1 })
        var zeroPadded = original
        generator = SplitMix64(seed: 7401)
        Augmentation(cropPadding: 2, horizontalFlip: true).apply(to: &zeroPadded, generator: &generator)
        #expect(zeroPadded.data.contains(0))
    }
}
