import CaecModel
import CaecTrain
import Testing

@Suite struct MultiplyAccumulatesTests {
    /// Every model kind, counted by hand on a 32x32 image:
    /// - lenet5: conv1 28^2 x 6 x 3 x 25, conv2 10^2 x 16 x 6 x 25, fc 400 x 120 + 120 x 84 + 84 x 10;
    /// - cae-r8 (3x3 convolutions, output pixels x OC x IC x 9): enc 1024 x 16 x 3 + 256 x 32 x 16 + 64 x 32 x 32,
    ///   dec 16 x 32 x 32 + 64 x 16 x 32 + 256 x 16 x 16 + 1024 x 3 x 16;
    /// - bmshj-f-vr (N = 64, M = 128, 5x5 stride 2): analysis 256 x 64 x 3 x 25 + 64 x 64 x 64 x 25
    ///   + 16 x 64 x 64 x 25 + 4 x 128 x 64 x 25 and GDN 64^2 x (256 + 64 + 16); synthesis the same mirrored;
    ///   cifar-task-vr8 likewise at four times the positions;
    /// - resnet9-cifar: the formula of `Classifier.cifarResNet`; airbench-cifar that of `Classifier.airbench`.
    @Test(arguments: [
        ("lenet5", 28 * 28 * 6 * 3 * 25 + 10 * 10 * 16 * 6 * 25 + 400 * 120 + 120 * 84 + 84 * 10),
        (
            "cae-r8",
            9
                * (1024 * 16 * 3 + 256 * 32 * 16 + 64 * 32 * 32 + 16 * 32 * 32 + 64 * 16 * 32 + 256 * 16 * 16
                    + 1024 * 3 * 16)
        ),
        ("bmshj-f-vr", 2 * (25 * (256 * 64 * 3 + 64 * 64 * 64 + 16 * 64 * 64 + 4 * 128 * 64) + 4096 * (256 + 64 + 16))),
        // cifar-task-vr8: the first convolution (and the last transposed one) at stride 1, every stage at twice the
        // resolution of bmshj-f-vr's.
        (
            "cifar-task-vr8",
            2 * (25 * (1024 * 64 * 3 + 256 * 64 * 64 + 64 * 64 * 64 + 16 * 128 * 64) + 4096 * (1024 + 256 + 64))
        ),
        ("resnet9-cifar", 95_259_136),
        ("resnet9-cifar-task", 24_036_608),
        // Classifier.airbench's formula at widths (64, 256, 256).
        (
            "airbench-cifar",
            961 * (12 * 24 + 9 * 24 * 64) + 225 * (9 * 64 * 64 + 9 * 64 * 256) + 49 * (9 * 256 * 256 + 9 * 256 * 256)
                + 9 * (9 * 256 * 256) + 10 * 256
        ),
    ])
    func perImage(id: String, expected: Int) {
        #expect(MultiplyAccumulates.perImage(modelID: id) == expected)
    }

    /// The scale hyperprior counts its hyper transforms on top of its core's transforms; unknown ids have no count.
    @Test func hyperpriorAndUnknown() throws {
        let core = try #require(MultiplyAccumulates.perImage(modelID: "bmshj-f-vr"))
        let hyperprior = try #require(MultiplyAccumulates.perImage(modelID: "bmshj-hp-vr"))
        #expect(hyperprior > core)
        #expect(MultiplyAccumulates.perImage(modelID: "no-such-model") == nil)
    }

    /// Every model a training step can be measured for has a non-zero count (`caec bench training` printed 0 for
    /// all but resnet9-cifar).
    @Test func everyTrainableModelHasACount() {
        for id in ModelRegistry.allIDs where TrainingRecipe.objective(for: id) != nil {
            #expect((MultiplyAccumulates.perImage(modelID: id) ?? 0) > 0, "\(id)")
        }
    }
}
