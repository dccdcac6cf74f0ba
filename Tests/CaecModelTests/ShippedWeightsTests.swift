import CaecCore
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Foundation
import Testing

/// The weights shipped in Models/ load, and reproduce the figures recorded in their metadata on the first 1,000
/// CIFAR-10 test images. Those images ship in `Samples/cifar10/test_batch-first1000.bin` (the first 1,000 records
/// of `test_batch.bin`, 3,073,000 bytes), so these checks run on a fresh clone without ../shared.
@Suite struct ShippedWeightsTests {
    static let sliceRecords = 1000

    static func testImages() throws -> CIFAR10.Batch {
        try CIFAR10.Batch(parsing: Golden.required("Samples/cifar10/test_batch-first1000.bin"))
    }

    /// The shipped slice is the start of the real test batch, byte for byte (runs where the data set is present:
    /// `$CAEC_DATA` or ../shared/data/cifar-10-batches-bin).
    @Test func shippedSliceIsTheStartOfTheTestBatch() throws {
        let directory =
            ProcessInfo.processInfo.environment["CAEC_DATA"]
            ?? Golden.url("../shared/data/cifar-10-batches-bin").standardized.path
        guard let data = FileManager.default.contents(atPath: directory + "/test_batch.bin") else {
            print("skipped: no CIFAR-10 test batch at \(directory) (set CAEC_DATA to check the shipped slice)")
            return
        }
        let slice = try Golden.required("Samples/cifar10/test_batch-first1000.bin")
        #expect(slice.count == Self.sliceRecords * 3073)
        #expect(Array(data.prefix(slice.count)) == slice)
    }

    static func load(_ id: String) throws -> (WeightsFile, Parameters) {
        let file = try WeightsFile(parsing: Golden.required("Models/\(id).caew"))
        return (file, try Parameters(loading: file, modelID: id, specs: ModelRegistry.parameterSpecs(id)!))
    }

    /// Pixels / 255 of images `range`, (N, 3, 32, 32).
    static func tensor(_ batch: CIFAR10.Batch, _ range: Range<Int>) -> Tensor {
        Tensor(
            shape: [range.count, 3, 32, 32],
            data: batch.planes[range.lowerBound * 3072..<range.upperBound * 3072].map { Float($0) / 255 })
    }

    @Test(arguments: ["cae-r2", "cae-r4", "cae-r8", "cae-r16"])
    func autoencoderReproducesItsRecordedMSE(id: String) throws {
        let (file, parameters) = try Self.load(id)
        let recorded = try #require(file.metadata("test1000_mse").flatMap(Double.init))
        let model = ModelRegistry.autoencoder(id)!
        let batch = try Self.testImages()
        var sum: Double = 0
        for start in stride(from: 0, to: 1000, by: 250) {
            let x = Self.tensor(batch, start..<start + 250)
            let y = model.reconstruct(x, parameters)
            for i in 0..<x.count { sum += Double(y.data[i] - x.data[i]) * Double(y.data[i] - x.data[i]) }
        }
        let mse = sum / Double(1000 * 3072)
        #expect(abs(mse - recorded) <= recorded * 0.01, "MSE \(mse), recorded \(recorded)")
    }

    @Test(arguments: ["lenet5", "resnet9-cifar", "resnet9-cifar-task", "airbench-cifar"])
    func classifierReproducesItsRecordedAccuracy(id: String) throws {
        let (file, parameters) = try Self.load(id)
        let recorded = try #require(file.metadata("test1000_accuracy").flatMap(Double.init))
        let model = ModelRegistry.classifier(id)!
        let batch = try Self.testImages()
        var correct = 0
        for start in stride(from: 0, to: 1000, by: 250) {
            let predictions = Classifier.predictions(
                model.evaluationLogits(Self.tensor(batch, start..<start + 250), parameters))
            correct += zip(predictions, batch.labels[start..<start + 250]).filter { $0 == Int($1) }.count
        }
        // Within 0.3 points: kernels may differ in the last bits between machines, flipping a near-tie or two.
        #expect(abs(Double(correct) / 1000 - recorded) <= 0.003, "accuracy \(correct)/1000, recorded \(recorded)")
    }

    /// The training classifier of `cifar-task-vr` is not a judge: its own id, other widths and other weights (a
    /// fingerprint of its own), another seed; so agreement measured with the judges is with networks the codec
    /// never trained against.
    @Test func trainingClassifierIsNotAJudge() throws {
        #expect(!ModelRegistry.judgeClassifierIDs.contains(ModelRegistry.taskClassifierID))
        let (task, _) = try Self.load(ModelRegistry.taskClassifierID)
        for judge in ModelRegistry.judgeClassifierIDs {
            let (file, _) = try Self.load(judge)
            #expect(file.modelID != task.modelID)
            #expect(file.fingerprint != task.fingerprint)
            #expect(file.tensors.map(\.shape) != task.tensors.map(\.shape))
        }
        let (judge, _) = try Self.load("resnet9-cifar")
        #expect(task.metadata("seed") != nil && task.metadata("seed") != judge.metadata("seed"))
    }

    /// The task-aware codecs' shipped weights (`cifar-task-vr`, `cifar-task-vr8`) reproduce the figures recorded
    /// when they shipped (`caec train cifar --codec-eval`: `TaskCodecFigures` on the first 1,000 test images, judged
    /// by `resnet9-cifar`): rate within
    /// 0.5%, PSNR within 0.02 dB, agreement within 0.3 points (kernels may differ in the last bits between
    /// machines, moving a rounding or a near-tie). Four of the eight qualities, agreement at quality 3 only: each
    /// judged quality costs a pass of the judge over 1,000 images, about a minute in a debug build.
    @Test(arguments: ModelRegistry.taskCodecIDs)
    func taskCodecReproducesItsRecordedFigures(id: String) throws {
        let file = try WeightsFile(parsing: Golden.required("Models/\(id).caew"))
        let model = try #require(ModelRegistry.rateDistortion(id))
        let parameters = try Parameters(loading: file, modelID: id, specs: model.parameterSpecs)
        let judgeID = try #require(file.metadata("test1000_judge"))
        #expect(ModelRegistry.judgeClassifierIDs.contains(judgeID))
        let (_, judgeParameters) = try Self.load(judgeID)
        let rows = TaskCodecFigures.measure(
            model: model, parameters, judge: ModelRegistry.classifier(judgeID)!, judgeParameters,
            images: try Self.testImages(), count: Self.sliceRecords, qualities: [1, 3, 5, 8], judged: [3])
        #expect(
            rows.map(\.quality) == [1, 3, 5, 8] && rows.map { $0.agreement != nil } == [false, true, false, false])
        for row in rows {
            let q = row.quality
            let bpp = try #require(file.metadata("test1000_bpp_q\(q)").flatMap(Double.init))
            let psnr = try #require(file.metadata("test1000_psnr_q\(q)").flatMap(Double.init))
            #expect(abs(row.bpp - bpp) <= 0.005 * bpp, "q\(q) bpp \(row.bpp), recorded \(bpp)")
            #expect(abs(row.psnr - psnr) <= 0.02, "q\(q) PSNR \(row.psnr), recorded \(psnr)")
            if let measured = row.agreement {
                let agreement = try #require(file.metadata("test1000_agreement_q\(q)").flatMap(Double.init))
                #expect(abs(measured - agreement) <= 0.003, "q\(q) agreement \(measured), recorded \(agreement)")
            }
        }
    }
}
