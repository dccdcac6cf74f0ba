import CaecModel
import CaecTensor
import CaecTestSupport
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
        #expect(Classifier.cifarResNetMACs(widths: ModelRegistry.resnet9CIFARWidths) == 95_259_136)
        #expect(model.parameterSpecs.first?.name == "prep.conv.weight")
        #expect(model.parameterSpecs.contains { $0.name == "res3.1.bn.running_var" && $0.kind == .buffer })
        var random = SeededRandom(seed: 3)
        let x = Tensor(shape: [2, 3, 32, 32], data: random.floats(2 * 3 * 32 * 32, in: 0..<1))
        #expect(model.logits(x, p).shape == [2, 10])
        var training = p
        #expect(model.network.forwardTraining(x, &training).output.shape == [2, 10])
    }

    @Test func sameSeedSameInitialisation() throws {
        let specs = try #require(ModelRegistry.parameterSpecs("cae-r4"))
        #expect(Parameters(specs: specs, seed: 7).values == Parameters(specs: specs, seed: 7).values)
        #expect(Parameters(specs: specs, seed: 7).values != Parameters(specs: specs, seed: 8).values)
    }
}
