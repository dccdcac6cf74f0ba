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

/// `CIFARCodecTrainingRun` driven in-process: a tiny three-stage codec, the training classifier's architecture with
/// random weights, a few images.
@Suite struct CIFARCodecTrainingRunTests {
    static let model = RateDistortionModel(id: "cifar-task-vr", n: 4, m: 6, lambdas: [0.01, 0.1], stages: 3)

    static func images(_ count: Int) -> CIFAR10.Batch {
        let photos = TrainingRunTests.photos(count, seed: 7)
        var planes: [UInt8] = []
        for photo in photos {
            for c in 0..<3 { planes += (0..<1024).map { photo.pixels[3 * $0 + c] } }
        }
        return CIFAR10.Batch(planes: planes, labels: [UInt8](repeating: 0, count: count))
    }

    static func options(steps: Int, beta: Float = 0.05) -> CIFARCodecTrainingOptions {
        var options = CIFARCodecTrainingOptions(
            modelID: "cifar-task-vr", budget: .steps(steps), classifierID: ModelRegistry.taskClassifierID,
            beta: beta)
        options.batchSize = 2
        options.seed = 3
        options.heldOutImages = 3
        return options
    }

    static let classifierFile: WeightsFile = {
        let classifier = ModelRegistry.classifier(ModelRegistry.taskClassifierID)!
        return Parameters(specs: classifier.parameterSpecs, seed: 4).weightsFile(
            modelID: ModelRegistry.taskClassifierID, metadata: [("test_accuracy", "0.5")])
    }()

    @Test func runTrainsWithTheTaskTermReportsAgreementAndResumes() throws {
        let run = CIFARCodecTrainingRun(model: Self.model, options: Self.options(steps: 2))
        let data = Self.images(8)
        var evaluations: [[QualityFigures]] = []
        var progress: [RateDistortionFigures] = []
        var checkpoints: [TrainingCheckpoint] = []
        let result = try run.run(
            training: data, classifierFile: Self.classifierFile, start: .fresh, clock: { 0 }
        ) { event in
            switch event {
            case .training(.evaluation(_, _, let qualities)): evaluations.append(qualities)
            case .training(.progress(_, _, let figures, _, _, _)): progress.append(figures)
            case .checkpoint(let checkpoint): checkpoints.append(checkpoint)
            }
        }
        #expect(result.steps == 2)
        #expect(result.file.metadata("task_classifier") == ModelRegistry.taskClassifierID)
        #expect(result.file.metadata("task_beta") == "0.05")
        #expect(result.file.metadata("training_images") == "5" && result.file.metadata("held_out_images") == "3")
        #expect(evaluations.count == 1 && evaluations[0].count == 2)
        #expect(evaluations[0].allSatisfy { $0.bpp > 0 && $0.task >= 0 && ($0.agreement ?? -1) >= 0 })
        #expect(checkpoints.map(\.step) == [2])

        let more = CIFARCodecTrainingRun(model: Self.model, options: Self.options(steps: 3))
        let resumed = try more.run(
            training: data, classifierFile: Self.classifierFile, start: .resumed(from: checkpoints[0].file),
            clock: { 0 }
        ) { _ in }
        #expect(resumed.steps == 3)

        // Without a classifier (a plain rate-distortion leg) the held-out figures carry no agreement.
        var plain: [[QualityFigures]] = []
        let noTask = CIFARCodecTrainingRun(model: Self.model, options: Self.options(steps: 1, beta: 0))
        let plainResult = try noTask.run(training: data, classifierFile: nil, start: .fresh, clock: { 0 }) {
            if case .training(.evaluation(_, _, let qualities)) = $0 { plain.append(qualities) }
        }
        #expect(plainResult.file.metadata("task_classifier") == "none")
        #expect(plain.count == 1 && plain[0].allSatisfy { $0.agreement == nil && $0.task == 0 })
    }

    @Test func runErrorsNameTheirInput() throws {
        let run = CIFARCodecTrainingRun(model: Self.model, options: Self.options(steps: 1))
        #expect(throws: TrainingRunError.tooFewPhotos(found: 6, heldOut: 3)) {
            _ = try run.run(
                training: Self.images(6), classifierFile: Self.classifierFile, start: .fresh, clock: { 0 }
            ) { _ in }
        }
        let judge = Parameters(specs: ModelRegistry.classifier("lenet5")!.parameterSpecs, seed: 1)
            .weightsFile(modelID: "lenet5")
        #expect {
            _ = try run.run(training: Self.images(8), classifierFile: judge, start: .fresh, clock: { 0 }) { _ in }
        } throws: { error in
            if case .badClassifier = error as? TrainingRunError { true } else { false }
        }
        #expect(throws: TrainingRunError.unknownModel("bmshj-f-vr", known: ModelRegistry.taskCodecIDs)) {
            _ = try CIFARCodecTrainingRun(
                CIFARCodecTrainingOptions(
                    modelID: "bmshj-f-vr", budget: .steps(1), classifierID: ModelRegistry.taskClassifierID, beta: 0))
        }
    }
}
