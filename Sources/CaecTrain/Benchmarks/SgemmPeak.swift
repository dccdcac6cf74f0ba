import CaecTensor

/// The reference every speed figure is compared with: `cblas_sgemm` of two `size` x `size` matrices
/// (`2 size^3` floating-point operations), one per worker at once, measured in the same run as the figure.
package struct SgemmPeak: Sendable, Equatable {
    /// M = N = K of each sgemm (1024).
    package var size: Int
    /// How many sgemms ran at once, one per worker thread (1: OpenBLAS on one thread).
    package var workers: Int
    /// Best wall time of one round (all workers' sgemms), in milliseconds.
    package var milliseconds: Double
    /// Floating-point operations of all workers per wall second, in GFLOP/s.
    package var gflopsPerSecond: Double
    /// Floating-point operations per CPU-second of the process (user + system), in GFLOP/CPU-s, where measured:
    /// it stays meaningful when other jobs share the cores.
    package var gflopsPerCPUSecond: Double?

    package init(size: Int, workers: Int, milliseconds: Double, gflopsPerSecond: Double, gflopsPerCPUSecond: Double?) {
        self.size = size
        self.workers = workers
        self.milliseconds = milliseconds
        self.gflopsPerSecond = gflopsPerSecond
        self.gflopsPerCPUSecond = gflopsPerCPUSecond
    }

    /// Floating-point operations of one sgemm of `size`.
    package static func flops(size: Int) -> Double { 2 * Double(size) * Double(size) * Double(size) }

    /// Measures `workers` sgemms of `size` at once (best of `repetitions`; `workers` 1 is one sgemm on the
    /// calling thread). Warms OpenBLAS up first.
    package static func measure(size: Int = 1024, workers: Int = 1, repetitions: Int = 3) -> SgemmPeak {
        warmUpBLAS()
        let a = Tensor(shape: [size, size], repeating: 0.5)
        let seconds = BenchmarkTimer.best(of: repetitions) {
            if workers == 1 {
                _ = Tensor.linear(a, weight: a, bias: nil)  // (N, IN) x (OUT, IN)^T: one sgemm
            } else {
                TensorParallelism.forEach(workers) { _ in _ = Tensor.linear(a, weight: a, bias: nil) }
            }
        }
        return SgemmPeak(
            size: size, workers: workers, milliseconds: seconds * 1e3,
            gflopsPerSecond: flops(size: size) * Double(workers) / seconds / 1e9, gflopsPerCPUSecond: nil)
    }

    /// Like `measure` on one thread, with the CPU time of the best run (after one untimed run).
    package static func measureWithCPU(size: Int = 1024, repetitions: Int = 3) -> SgemmPeak {
        warmUpBLAS()
        let a = Tensor(shape: [size, size], repeating: 0.5)
        let time = BenchmarkTimer.bestWithCPU(of: repetitions) { _ = Tensor.linear(a, weight: a, bias: nil) }
        return SgemmPeak(
            size: size, workers: 1, milliseconds: time.wall * 1e3, gflopsPerSecond: flops(size: size) / time.wall / 1e9,
            gflopsPerCPUSecond: flops(size: size) / time.cpu / 1e9)
    }
}
