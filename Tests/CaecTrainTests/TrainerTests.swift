import CaecCore
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

@Suite struct TrainerTests {
    /// 64 random 8x8 images with labels 0-9.
    static func tinyDataset(seed: UInt64) -> ImageDataset {
        var random = SeededRandom(seed: seed)
        return ImageDataset(side: 8, planes: random.bytes(64 * 3 * 64), labels: (0..<64).map { UInt8($0 % 10) })
    }

    static func configuration(epochs: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(epochs: epochs, batchSize: 16, learningRate: 3e-3)
        configuration.seed = 9
        configuration.augmentation = .cifar
        return configuration
    }

    @Test func aFewStepsLowerTheAutoencodersLoss() throws {
        let trainer = Trainer(
            objective: ReconstructionObjective(Autoencoder(id: "cae-r2", channels: [32])),
            configuration: Self.configuration(epochs: 6))
        let data = Self.tinyDataset(seed: 1)
        var losses: [Double] = []
        _ = try trainer.run(
            from: trainer.initialState(), data: data, evaluation: data, clock: { 0 },
            report: { if case .epochEnd(_, _, let loss, _, _, _) = $0 { losses.append(loss) } }, checkpoint: { _ in })
        #expect(losses.count == 6)
        #expect(losses.last! < losses.first! * 0.8, "\(losses)")
    }

    @Test func lenet5OverfitsATinyBatch() throws {
        var configuration = TrainingConfiguration(epochs: 40, batchSize: 10, learningRate: 3e-3)
        configuration.seed = 3
        let trainer = Trainer(objective: ClassificationObjective(Classifier.lenet5()), configuration: configuration)
        var random = SeededRandom(seed: 4)
        let data = ImageDataset(side: 32, planes: random.bytes(10 * 3072), labels: (0..<10).map { UInt8($0) })
        let state = try trainer.run(
            from: trainer.initialState(), data: data, evaluation: nil, clock: { 0 }, report: { _ in },
            checkpoint: { _ in })
        let (_, accuracy) = Trainer.evaluate(trainer.objective, state.parameters, on: data)
        #expect(accuracy == 1)
    }

    /// Stopping after an epoch, saving a checkpoint and resuming gives the same weights as one uninterrupted run.
    @Test func resumedRunEqualsUninterruptedRun() throws {
        let objective = ReconstructionObjective(Autoencoder(id: "cae-r4", channels: [16, 32]))
        let data = Self.tinyDataset(seed: 2)
        let full = Trainer(objective: objective, configuration: Self.configuration(epochs: 3))
        let uninterrupted = try full.run(
            from: full.initialState(), data: data, evaluation: nil, clock: { 0 }, report: { _ in },
            checkpoint: { _ in })

        let first = Trainer(objective: objective, configuration: Self.configuration(epochs: 1))
        var saved: [UInt8] = []
        _ = try first.run(
            from: first.initialState(), data: data, evaluation: nil, clock: { 0 }, report: { _ in },
            checkpoint: { saved = (try? Checkpoint.file($0, modelID: "cae-r4", metadata: []))?.serialized() ?? [] })
        let restored = try Checkpoint.restore(
            WeightsFile(parsing: saved), into: full.initialState(), modelID: "cae-r4",
            specs: objective.parameterSpecs)
        #expect(restored.epoch == 1)
        let resumed = try full.run(
            from: restored, data: data, evaluation: nil, clock: { 0 }, report: { _ in }, checkpoint: { _ in })
        #expect(resumed.parameters.values == uninterrupted.parameters.values)
    }

    /// A learning rate of 1e30 makes step 1 finite but huge; step 2's loss overflows, and the run stops there
    /// without a checkpoint (the first epoch never ends).
    @Test func divergingLossStopsTheRun() throws {
        var configuration = Self.configuration(epochs: 2)
        configuration.learningRate = 1e30
        let trainer = Trainer(
            objective: ReconstructionObjective(Autoencoder(id: "cae-r2", channels: [32])), configuration: configuration)
        let data = Self.tinyDataset(seed: 1)
        var checkpoints = 0
        #expect(throws: TrainingError.nonFiniteLoss(step: 2)) {
            try trainer.run(
                from: trainer.initialState(), data: data, evaluation: nil, clock: { 0 }, report: { _ in },
                checkpoint: { _ in checkpoints += 1 })
        }
        #expect(checkpoints == 0)
    }

    /// An infinite learning rate turns every trained element non-finite at step 1: the run names the first key.
    @Test func nonFiniteParameterStopsTheRun() throws {
        var configuration = Self.configuration(epochs: 1)
        configuration.learningRate = .infinity
        let objective = ReconstructionObjective(Autoencoder(id: "cae-r2", channels: [32]))
        let trainer = Trainer(objective: objective, configuration: configuration)
        let first = try #require(objective.parameterSpecs.first)
        #expect(throws: TrainingError.nonFiniteParameter(step: 1, name: first.name, index: 0)) {
            try trainer.run(
                from: trainer.initialState(), data: Self.tinyDataset(seed: 1), evaluation: nil, clock: { 0 },
                report: { _ in }, checkpoint: { _ in Issue.record("checkpoint of a diverged run") })
        }
    }

    /// A state holding NaN or an infinity makes no checkpoint: the error names the tensor and the element.
    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func checkpointOfANonFiniteStateIsRefused(value: Float) throws {
        let trainer = Trainer(
            objective: ReconstructionObjective(Autoencoder(id: "cae-r4", channels: [16, 32])),
            configuration: Self.configuration(epochs: 1))
        var state = trainer.initialState()
        let spec = state.parameters.specs[1]
        state.parameters.values[state.parameters.offsets[spec.name]! + 3] = value
        #expect(throws: TrainingError.nonFiniteCheckpoint(name: spec.name, index: 3)) {
            try Checkpoint.file(state, modelID: "cae-r4", metadata: [])
        }
        #expect(
            TrainingError.nonFiniteCheckpoint(name: spec.name, index: 3).description
                == "refusing to save a checkpoint: '\(spec.name)' element 3 is NaN or infinite")
    }

    @Test func batchOrderIsAPermutationFixedBySeedAndEpoch() {
        let plan = BatchPlan(count: 100, batchSize: 7, seed: 5)
        #expect(plan.order(epoch: 3).sorted() == Array(0..<100))
        #expect(plan.order(epoch: 3) == plan.order(epoch: 3))
        #expect(plan.order(epoch: 3) != plan.order(epoch: 4))
        #expect(plan.batchesPerEpoch == 15)
    }
}
