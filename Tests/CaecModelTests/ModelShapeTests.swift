import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

@Suite struct ModelShapeTests {
    /// Parameter counts of the same architectures in PyTorch (../shared/REFERENCE.md).
    @Test(arguments: [("cae-r2", 11_011, 16), ("cae-r4", 12_467, 8), ("cae-r8", 30_963, 4), ("cae-r16", 49_459, 2)])
    func autoencoderShapesAndParameterCounts(id: String, parameters: Int, latentSide: Int) throws {
        let model = try #require(ModelRegistry.autoencoder(id))
        let p = Parameters(specs: model.parameterSpecs, seed: 1)
        #expect(p.trainableCount == parameters)
        var random = SeededRandom(seed: 2)
        let x = Tensor(shape: [2, 3, 32, 32], data: random.floats(2 * 3 * 32 * 32, in: 0..<1))
        let z = model.encode(x, p)
        #expect(z.shape == [2, 32, latentSide, latentSide])
        let y = model.decode(z, p)
        #expect(y.shape == [2, 3, 32, 32])
        #expect(y.data.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func autoencoderIsFullyConvolutional() throws {
        let model = try #require(ModelRegistry.autoencoder("cae-r8"))
        let p = Parameters(specs: model.parameterSpecs, seed: 1)
        let x = Tensor(shape: [1, 3, 48, 24], repeating: 0.5)
        #expect(model.encode(x, p).shape == [1, 32, 6, 3])
        #expect(model.reconstruct(x, p).shape == [1, 3, 48, 24])
    }

    @Test func lenet5ShapesAndParameterCount() throws {
        let model = try #require(ModelRegistry.classifier("lenet5"))
        let p = Parameters(specs: model.parameterSpecs, seed: 1)
        // conv 3->6 5x5 (456) + conv 6->16 5x5 (2416) + fc 400-120 (48120) + 120-84 (10164) + 84-10 (850).
        #expect(p.trainableCount == 62_006)
        let logits = model.logits(Tensor(shape: [3, 3, 32, 32], repeating: 0.25), p)
        #expect(logits.shape == [3, 10])
    }

    @Test func resnet9CIFARShapesParameterCountAndMACs() throws {
        let model = try #require(ModelRegistry.classifier("resnet9-cifar"))
        let p = Parameters(specs: model.parameterSpecs, seed: 1)
        // Convs (3x3, no bias) 864 + 18,432 + 2 x 36,864 + 73,728 + 294,912 + 2 x 589,824, BN scale and shift
        // 2 x (32 + 64 + 2 x 64 + 128 + 256 + 2 x 256), fc 2,570; running statistics are buffers.
        #expect(p.trainableCount == 1_646_122)
        #expect(p.count - p.trainableCount == 2_240)
        // The documented formula, 1024 (27 w0 + 9 w0 w1) + 256 (18 w1^2 + 9 w1 w2) + 64 (9 w2 w3) + 16 (18 w3^2)
        // + 10 w3, against the count over the layers.
        let (w0, w1, w2, w3) = (32, 64, 128, 256)
        #expect(ModelRegistry.resnet9CIFARWidths == [w0, w1, w2, w3])
        let formula =
            1024 * (27 * w0 + 9 * w0 * w1) + 256 * (18 * w1 * w1 + 9 * w1 * w2) + 64 * (9 * w2 * w3)
            + 16 * (18 * w3 * w3) + 10 * w3
        #expect(formula == 95_259_136)
        #expect(MultiplyAccumulates.perImage(modelID: "resnet9-cifar") == formula)
        #expect(model.parameterSpecs.first?.name == "prep.conv.weight")
        #expect(model.parameterSpecs.contains { $0.name == "res3.1.bn.running_var" && $0.kind == .buffer })
        var random = SeededRandom(seed: 3)
        let x = Tensor(shape: [2, 3, 32, 32], data: random.floats(2 * 3 * 32 * 32, in: 0..<1))
        #expect(model.logits(x, p).shape == [2, 10])
        var training = p
        #expect(model.network.forwardTraining(x, &training).output.shape == [2, 10])
    }

    /// The key table of `resnet9-cifar`: the contract of its weights file.
    @Test func resnet9CIFARKeyTable() throws {
        let specs = try #require(ModelRegistry.parameterSpecs("resnet9-cifar"))
        var expected: [String] = []
        let convs: [(String, Int, Int)] = [
            ("prep", 3, 32), ("layer1", 32, 64), ("res1.0", 64, 64), ("res1.1", 64, 64), ("layer2", 64, 128),
            ("layer3", 128, 256), ("res3.0", 256, 256), ("res3.1", 256, 256),
        ]
        for (key, inChannels, outChannels) in convs {
            expected.append("\(key).conv.weight [\(outChannels), \(inChannels), 3, 3] parameter")
            for name in ["weight", "bias"] { expected.append("\(key).bn.\(name) [\(outChannels)] parameter") }
            for name in ["running_mean", "running_var"] { expected.append("\(key).bn.\(name) [\(outChannels)] buffer") }
        }
        expected += ["fc.weight [10, 256] parameter", "fc.bias [10] parameter"]
        #expect(specs.map { "\($0.name) \($0.shape) \($0.kind)" } == expected)
    }

    @Test func resnet9CIFARSaveLoadForwardIsBitIdentical() throws {
        let model = try #require(ModelRegistry.classifier("resnet9-cifar"))
        var original = Parameters(specs: model.parameterSpecs, seed: 4)
        // Non-trivial running statistics, so that the buffers are part of what must round-trip.
        var random = SeededRandom(seed: 5)
        let x = Tensor(shape: [4, 3, 32, 32], data: random.floats(4 * 3 * 32 * 32, in: 0..<1))
        _ = model.network.forwardTraining(x, &original)
        let bytes = original.weightsFile(modelID: "resnet9-cifar").serialized()
        let loaded = try Parameters(
            loading: WeightsFile(parsing: bytes), modelID: "resnet9-cifar", specs: model.parameterSpecs)
        #expect(loaded.values == original.values)
        #expect(model.logits(x, loaded).data == model.logits(x, original).data)
    }

    /// resnet9-cifar predicts with the test-time flip: its evaluation logits are the mean over the image and its
    /// mirror, so an image and its mirror get the same logits; lenet5 predicts from its plain logits.
    @Test func testTimeFlipMakesEvaluationMirrorInvariant() throws {
        let model = Classifier.cifarResNet(id: "tiny", widths: [4, 8, 8, 16])
        let p = Parameters(specs: model.parameterSpecs, seed: 9)
        var random = SeededRandom(seed: 10)
        let x = Tensor(shape: [3, 3, 32, 32], data: random.floats(3 * 3 * 32 * 32, in: 0..<1))
        let mirrored = Classifier.mirrored(x)
        #expect(Classifier.mirrored(mirrored).data == x.data)
        #expect(model.testTimeFlip)
        #expect(model.logits(x, p).data != model.logits(mirrored, p).data)
        #expect(model.evaluationLogits(x, p).data == model.evaluationLogits(mirrored, p).data)
        let expected = zip(model.logits(x, p).data, model.logits(mirrored, p).data).map { ($0 + $1) * 0.5 }
        expectClose(model.evaluationLogits(x, p).data, expected, maxAbs: 1e-6)
        let lenet = Classifier.lenet5()
        let q = Parameters(specs: lenet.parameterSpecs, seed: 11)
        #expect(!lenet.testTimeFlip && lenet.evaluationLogits(x, q).data == lenet.logits(x, q).data)
    }

    @Test func sameSeedSameInitialisation() throws {
        let specs = try #require(ModelRegistry.parameterSpecs("cae-r4"))
        #expect(Parameters(specs: specs, seed: 7).values == Parameters(specs: specs, seed: 7).values)
        #expect(Parameters(specs: specs, seed: 7).values != Parameters(specs: specs, seed: 8).values)
    }
}
