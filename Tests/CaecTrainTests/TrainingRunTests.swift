import CaecCore
import CaecModel
import CaecTestSupport
import CaecTrain
import Testing

/// `PhotoTrainingRun` and `CIFARTrainingRun` driven in-process: tiny data, a step or an epoch, a small model.
@Suite struct TrainingRunTests {
    /// `count` smooth 32x32 photos (a gradient plus noise), different per seed.
    static func photos(_ count: Int, seed: UInt64) -> [RGBImage] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { index in
            var pixels: [UInt8] = []
            for y in 0..<32 {
                for x in 0..<32 {
                    for c in 0..<3 {
                        pixels.append(UInt8(min(255, 40 + 4 * (x + y) + 20 * c + index + Int(random.next() % 16))))
                    }
                }
            }
            return RGBImage(width: 32, height: 32, pixels: pixels)
        }
    }

    static let smallModel = PhotoModel.factorized(
        RateDistortionModel(id: "bmshj-f-vr", n: 4, m: 6, lambdas: [0.005, 0.05]))

    static func photoOptions(steps: Int) -> PhotoTrainingOptions {
        var options = PhotoTrainingOptions(modelID: "bmshj-f-vr", budget: .steps(steps))
        options.batchSize = 2
        options.cropSide = 16
        options.seed = 3
        return options
    }

    @Test func photoRunTrainsChecksAndResumes() throws {
        var run = PhotoTrainingRun(model: Self.smallModel, options: Self.photoOptions(steps: 2))
        run.commandLine = "caec train photos (test)"
        let photos = Self.photos(9, seed: 1)
        var evaluations: [[QualityFigures]] = []
        var checkpoints: [TrainingCheckpoint] = []
        let result = try run.run(photos: photos, from: .fresh, clock: { 0 }) { event in
            switch event {
            case .training(.evaluation(_, _, let qualities)): evaluations.append(qualities)
            case .training: break
            case .checkpoint(let checkpoint): checkpoints.append(checkpoint)
            }
        }
        #expect(result.steps == 2)
        #expect(result.file.metadata("steps") == "2")
        #expect(result.file.metadata("training_images") == "1")
        #expect(result.file.metadata("trained_by") == "caec train photos (test)")
        #expect(evaluations.count == 1 && evaluations[0].count == 2)
        #expect(evaluations[0].allSatisfy { $0.bpp > 0 && $0.psnr.isFinite })
        #expect(checkpoints.map(\.step) == [2])
        #expect(checkpoints[0].file.tensors.contains { $0.name.hasPrefix("optimizer.") })

        // Resuming the two-step checkpoint under a three-step budget trains one step more.
        let more = PhotoTrainingRun(model: Self.smallModel, options: Self.photoOptions(steps: 3))
        let resumed = try more.run(photos: photos, from: .resumed(from: checkpoints[0].file), clock: { 0 }) { _ in }
        #expect(resumed.steps == 3)
    }

    @Test func photoRunErrorsNameTheirInput() throws {
        let run = PhotoTrainingRun(model: Self.smallModel, options: Self.photoOptions(steps: 1))
        #expect(throws: TrainingRunError.tooFewPhotos(found: 8, heldOut: 8)) {
            _ = try run.run(photos: Self.photos(8, seed: 1), from: .fresh, clock: { 0 }) { _ in }
        }
        let garbage = WeightsFile(modelID: "bmshj-f-vr", metadata: [], tensors: [])
        #expect {
            _ = try run.run(photos: Self.photos(9, seed: 1), from: .resumed(from: garbage), clock: { 0 }) { _ in }
        } throws: { error in
            if case .badCheckpoint = error as? TrainingRunError { true } else { false }
        }
        #expect(
            throws: TrainingRunError.unknownModel("cae-r2", known: ["bmshj-f-vr", "bmshj-hp-vr", "bmshj-hp-vr-n128"])
        ) {
            _ = try PhotoTrainingRun(PhotoTrainingOptions(modelID: "cae-r2", budget: .steps(1)))
        }
    }

    @Test func cifarRunTrainsAnEpochAndRecordsItsFigures() throws {
        var random = SeededRandom(seed: 5)
        let training = CIFAR10.Batch(planes: random.bytes(8 * 3072), labels: (0..<8).map { UInt8($0) })
        let test = CIFAR10.Batch(planes: random.bytes(4 * 3072), labels: [0, 1, 2, 3])
        var options = CIFARTrainingOptions(modelID: "cae-r2")
        options.epochs = 1
        options.batchSize = 4
        let run = try CIFARTrainingRun(options)
        var epochs = 0
        var checkpoints: [TrainingCheckpoint] = []
        let result = try run.run(training: training, test: test, resumingFrom: nil, clock: { 0 }) { event in
            switch event {
            case .training(.epochEnd): epochs += 1
            case .training: break
            case .checkpoint(let checkpoint): checkpoints.append(checkpoint)
            }
        }
        #expect(epochs == 1)
        #expect(checkpoints.map(\.step) == [2])
        #expect(result.weights.steps == 2)
        #expect(result.quickTestAccuracy == nil)
        #expect(result.quickTestLoss > 0 && result.quickTestLoss.isFinite)
        #expect(result.weights.file.metadata("test1000_mse") == "\(result.quickTestLoss)")
        #expect(result.weights.file.metadata("training_images") == "8")

        // The same options and data give the same weights.
        let again = try run.run(training: training, test: test, resumingFrom: nil, clock: { 0 }) { _ in }
        #expect(again.weights.file.serialized() == result.weights.file.serialized())
    }
}
