import CaecModel
import CaecTensor
import CaecTrain
import Testing

@Suite struct TensorBenchmarkTests {
    /// A tiny run: the record's deterministic counters are right and its figures are positive (no timing is
    /// checked).
    @Test func smallRunReportsCounters() {
        let report = TensorParallelism.$maxWorkers.withValue(2) {
            TensorBenchmark.run(repetitions: 1, width: 8, height: 6)
        }
        #expect(report.maxWorkers == 2)
        #expect(report.machine == BLASBackend.current)
        #expect(report.sgemm.map(\.workers) == [1, 2])
        #expect(report.sgemm.allSatisfy { $0.size == 1024 && $0.gflopsPerSecond > 0 && $0.milliseconds > 0 })
        #expect(report.sgemmPeak(workers: 2) == report.sgemm[1])
        // 128 * 128 * 25 MACs per output pixel, output 4 x 3.
        let conv = report.convolution
        #expect([conv.width, conv.height, conv.outputWidth, conv.outputHeight] == [8, 6, 4, 3])
        #expect(conv.macs == 128 * 128 * 25 * 12)
        #expect(report.transposedConvolution.macs == conv.macs)
        for run in conv.runs + report.transposedConvolution.runs {
            // The share is the rate over the sgemm peak on as many workers.
            let peak = report.sgemmPeak(workers: run.workers)!.gflopsPerSecond
            #expect(abs(run.percentOfSgemm - run.gflopsPerSecond / peak * 100) < 1e-9)
            #expect(abs(run.gflopsPerSecond - 2 * Double(conv.macs) / run.milliseconds / 1e6) < 1e-6)
        }
        #expect(conv.runs.map(\.workers) == [1, 2])
        // GDN: 64 * 64 MACs per pixel of a 4 x 3 plane; the portable kernel is bit-identical on 1 and 2 workers.
        #expect([report.gdn.channels, report.gdn.width, report.gdn.height] == [64, 4, 3])
        #expect(report.gdn.macs == 64 * 64 * 12)
        #expect(report.gdn.portable.map(\.workers) == [1, 2])
        #expect(report.gdn.portable.allSatisfy { $0.bitIdentical })
    }

    /// A training step of LeNet-5 on a batch of 2: the record carries the model's MAC count and consistent rates.
    @Test func trainingRecordFields() {
        let report = TensorParallelism.$maxWorkers.withValue(1) {
            TrainingBenchmark.run(
                objective: TrainingRecipe.objective(for: "lenet5")!, macsPerImage: 1000, batchSize: 2, repetitions: 1)
        }
        #expect(report.modelID == "lenet5")
        #expect([report.batchSize, report.side, report.macsPerImage] == [2, 32, 1000])
        #expect(report.flopsPerImage == 6000)
        #expect(report.sgemm.workers == 1 && report.sgemm.gflopsPerCPUSecond != nil)
        #expect(report.steps.map(\.workers) == [1])
        let step = report.steps[0]
        #expect(abs(step.imagesPerSecond - 2 / (step.milliseconds / 1e3)) < 1e-6 * step.imagesPerSecond)
        #expect(abs(step.gflopsPerSecond - step.imagesPerSecond * 6000 / 1e9) < 1e-12 + 1e-9 * step.gflopsPerSecond)
    }
}
