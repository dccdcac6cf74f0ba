import CaecCore
import CaecModel
import CaecTensor

/// Speed of one training step (forward and backward) of a model, against the machine's sgemm peak measured in the
/// same run (`caec bench training`).
package enum TrainingBenchmark {
    /// What `run` measured. FLOPs count `3 x 2 x macsPerImage` per image (forward, and backward for input and
    /// weights).
    package struct Report: Sendable {
        /// One training step (`lossAndGradients` on the batch) with `workers` workers.
        package struct StepRun: Sendable, Equatable {
            package var workers: Int
            /// Best wall time of one step, in milliseconds.
            package var milliseconds: Double
            package var imagesPerSecond: Double
            /// Images per CPU-second of the process (user + system).
            package var imagesPerCPUSecond: Double
            package var gflopsPerSecond: Double
            package var gflopsPerCPUSecond: Double
            /// `gflopsPerCPUSecond` as a percentage of the sgemm peak's GFLOP/CPU-s.
            package var percentOfSgemmPerCPUSecond: Double
        }
        /// The processor and the OpenBLAS core the figures were measured on.
        package var machine: BLASBackend
        /// One sgemm 1024^3 on one thread, per wall and per CPU second.
        package var sgemm: SgemmPeak
        package var modelID: String
        package var batchSize: Int
        /// Side of the square images, in pixels.
        package var side: Int
        /// Multiply-adds of one forward pass on one image (deterministic).
        package var macsPerImage: Int
        /// Floating-point operations of forward + backward on one image, `6 x macsPerImage`.
        package var flopsPerImage: Double
        /// One worker, then `TensorParallelism.maxWorkers`.
        package var steps: [StepRun]
    }

    /// Measures, best of `repetitions` after one untimed step each:
    /// 1. `cblas_sgemm` 1024 x 1024 x 1024 on one thread (the reference peak), per wall and per CPU second;
    /// 2. `objective.lossAndGradients` on a batch of `batchSize` random `side` x `side` images with one worker and
    ///    with `TensorParallelism.maxWorkers` workers: wall time, images per second, and images per CPU-second
    ///    (process user + system time, which stays meaningful when other jobs share the cores).
    package static func run(
        objective: any TrainingObjective, macsPerImage: Int, batchSize: Int, side: Int = 32, repetitions: Int = 2
    ) -> Report {
        let sgemm = SgemmPeak.measureWithCPU(repetitions: repetitions)
        var parameters = Parameters(specs: objective.parameterSpecs, seed: 1)
        var state: UInt64 = 7
        let pixels = (0..<batchSize * 3 * side * side).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24)
        }
        let batch = Tensor(shape: [batchSize, 3, side, side], data: pixels)
        let labels = (0..<batchSize).map { $0 % 10 }
        let flopsPerImage = 6 * Double(macsPerImage)
        let steps = Set([1, TensorParallelism.maxWorkers]).sorted().map { workers in
            let time = TensorParallelism.$maxWorkers.withValue(workers) {
                BenchmarkTimer.bestWithCPU(of: repetitions) {
                    var gradients = [Float](repeating: 0, count: parameters.count)
                    _ = objective.lossAndGradients(
                        batch, labels: labels, parameters: &parameters, gradients: &gradients)
                }
            }
            let images = Double(batchSize)
            let perCPUSecond = images * flopsPerImage / time.cpu / 1e9
            return Report.StepRun(
                workers: workers, milliseconds: time.wall * 1e3, imagesPerSecond: images / time.wall,
                imagesPerCPUSecond: images / time.cpu, gflopsPerSecond: images * flopsPerImage / time.wall / 1e9,
                gflopsPerCPUSecond: perCPUSecond,
                percentOfSgemmPerCPUSecond: perCPUSecond / (sgemm.gflopsPerCPUSecond ?? .nan) * 100)
        }
        return Report(
            machine: BLASBackend.current, sgemm: sgemm, modelID: objective.modelID, batchSize: batchSize, side: side,
            macsPerImage: macsPerImage, flopsPerImage: flopsPerImage, steps: steps)
    }
}
