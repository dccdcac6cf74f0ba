import CaecCore
import CaecModel
import CaecTensor

#if canImport(Glibc)
    import Glibc
#endif

/// Speed of one training step (forward and backward) of a model, against the machine's sgemm peak measured in the
/// same run (`caec train --benchmark`).
package enum TrainingBenchmark {
    /// Measures, best of `repetitions` after one untimed step each:
    /// 1. `cblas_sgemm` 1024 x 1024 x 1024 on one thread (the reference peak), per wall and per CPU second;
    /// 2. `objective.lossAndGradients` on a batch of `batchSize` random images with one worker and with
    ///    `TensorParallelism.maxWorkers` workers: wall time, images per second, and images per CPU-second (process
    ///    user + system time, which stays meaningful when other jobs share the cores);
    /// FLOPs count `3 * 2 * macsPerImage` per image (forward, and backward for input and weights).
    /// Returns printable lines.
    package static func run(
        objective: any TrainingObjective, macsPerImage: Int, batchSize: Int, side: Int = 32, repetitions: Int = 2
    ) -> [String] {
        warmUpBLAS()
        var lines: [String] = []
        let size = 1024
        let a = Tensor(shape: [size, size], repeating: 0.5)
        let gemm = measure(repetitions) { _ = Tensor.linear(a, weight: a, bias: nil) }
        let gemmFlops = 2 * Double(size * size * size)
        // Per CPU-second as well as per wall second: on a shared machine the wall figure is what this process got.
        let (peak, peakCPU) = (gemmFlops / gemm.wall / 1e9, gemmFlops / gemm.cpu / 1e9)
        lines.append(
            "sgemm \(size)^3 (1 thread): \(format(gemm.wall * 1e3)) ms, \(format(peak)) GFLOP/s, "
                + "\(format(peakCPU)) GFLOP/CPU-s")

        var parameters = Parameters(specs: objective.parameterSpecs, seed: 1)
        var state: UInt64 = 7
        let pixels = (0..<batchSize * 3 * side * side).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24)
        }
        let batch = Tensor(shape: [batchSize, 3, side, side], data: pixels)
        let labels = (0..<batchSize).map { $0 % 10 }
        let flopsPerImage = 6 * Double(macsPerImage)
        lines.append(
            "\(objective.modelID) training step, batch \(batchSize) of \(side)x\(side): \(macsPerImage) MACs/image "
                + "forward, \(format(flopsPerImage / 1e9 * 1000)) MFLOP/image forward+backward")
        for workers in Set([1, TensorParallelism.maxWorkers]).sorted() {
            let time = TensorParallelism.$maxWorkers.withValue(workers) {
                measure(repetitions) {
                    var gradients = [Float](repeating: 0, count: parameters.count)
                    _ = objective.lossAndGradients(
                        batch, labels: labels, parameters: &parameters, gradients: &gradients)
                }
            }
            let images = Double(batchSize)
            lines.append(
                "\(workers) worker(s): \(format(time.wall * 1e3)) ms/step, \(format(images / time.wall)) images/s, "
                    + "\(format(images / time.cpu)) images/CPU-s, \(format(images * flopsPerImage / time.wall / 1e9)) "
                    + "GFLOP/s, \(format(images * flopsPerImage / time.cpu / 1e9)) GFLOP/CPU-s "
                    + "(\(format(images * flopsPerImage / time.cpu / 1e9 / peakCPU * 100))% of sgemm per CPU-second)")
        }
        return lines
    }

    /// Best wall time of `repetitions` runs after one untimed run, and the CPU time of that best run.
    private static func measure(_ repetitions: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        body()
        var best = (wall: Double.infinity, cpu: Double.infinity)
        for _ in 0..<max(1, repetitions) {
            let (wall0, cpu0) = (wallSeconds(), cpuSeconds())
            body()
            let (wall, cpu) = (wallSeconds() - wall0, cpuSeconds() - cpu0)
            if wall < best.wall { best = (wall, max(cpu, 1e-9)) }
        }
        return best
    }

    private static func wallSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// User + system time of the whole process (all threads).
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
        return user + system
    }

    private static func format(_ value: Double) -> String { NumberFormat.fixed(value, 1) }
}
