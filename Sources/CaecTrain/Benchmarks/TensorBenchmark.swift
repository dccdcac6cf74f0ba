import CaecCore
import CaecTensor

/// Speed figures of the fast kernels against the machine's sgemm peak, measured in the same run (`caec bench`).
package enum TensorBenchmark {
    /// What `run` measured. Times are best-of-repetitions wall times; rates count `2 x MACs` floating-point
    /// operations.
    package struct Report: Sendable {
        /// The processor (model, instruction sets) and the OpenBLAS core the figures were measured on.
        package var machine: BLASBackend
        /// `TensorParallelism.maxWorkers` during the run.
        package var maxWorkers: Int
        /// The sgemm peaks: one thread first, then `maxWorkers` sgemms at once when `maxWorkers` > 1.
        package var sgemm: [SgemmPeak]
        /// The forward 5x5 stride-2 convolution on the large image, and the transposed convolution back.
        package var convolution: Convolution
        package var transposedConvolution: Convolution
        package var gdn: GDN

        /// The sgemm peak measured with `workers` workers at once, if measured.
        package func sgemmPeak(workers: Int) -> SgemmPeak? { sgemm.first { $0.workers == workers } }
    }

    /// One kernel timed with a number of workers.
    package struct KernelRun: Sendable, Equatable {
        package var workers: Int
        package var milliseconds: Double
        /// `2 x MACs` per wall second, in GFLOP/s.
        package var gflopsPerSecond: Double
        /// `gflopsPerSecond` as a percentage of the sgemm peak on as many workers.
        package var percentOfSgemm: Double
    }

    /// A convolution of `channels` -> `channels` with a square `kernelSize` at `stride` between an image of
    /// `width` x `height` and its `outputWidth` x `outputHeight` downsampled plane (the transposed one goes back).
    package struct Convolution: Sendable, Equatable {
        package var channels: Int
        package var kernelSize: Int
        package var stride: Int
        package var width: Int
        package var height: Int
        package var outputWidth: Int
        package var outputHeight: Int
        /// Multiply-adds of one pass (deterministic).
        package var macs: Int
        /// One worker, then `maxWorkers`.
        package var runs: [KernelRun]
    }

    /// GDN over `channels` channels of a `width` x `height` plane.
    package struct GDN: Sendable, Equatable {
        package struct PortableRun: Sendable, Equatable {
            package var workers: Int
            package var milliseconds: Double
            /// The reference's time over this one.
            package var speedUp: Double
            /// Whether the output's bits equal the reference's.
            package var bitIdentical: Bool
        }
        package var channels: Int
        package var width: Int
        package var height: Int
        /// Multiply-adds of one pass (`channels^2` per pixel, deterministic).
        package var macs: Int
        /// The reference loops on one thread.
        package var referenceMilliseconds: Double
        /// The portable kernel (the encoder's), one worker then `maxWorkers`.
        package var portable: [PortableRun]
        /// The sgemm-based fast kernel on `fastWorkers` workers, and the reference's time over its.
        package var fastWorkers: Int
        package var fastMilliseconds: Double
        package var fastSpeedUp: Double
    }

    /// Measures, best of `repetitions` runs each:
    /// 1. `cblas_sgemm` 1024 x 1024 x 1024 on one thread, and one such sgemm per worker at once (the peaks the
    ///    kernels are compared with: two vCPUs may give one core's worth, or be busy with other work);
    /// 2. the forward 5x5 stride-2 padding-2 convolution 128 -> 128 channels of a `width` x `height` image (one
    ///    sample), fast path, with one worker and with `TensorParallelism.maxWorkers` workers;
    /// 3. the matching transposed convolution from the half-size plane back to `width` x `height`, likewise;
    /// 4. GDN with 64 channels on `width / 2` x `height / 2`: reference, portable and fast (see `gdn`).
    package static func run(repetitions: Int = 3, width: Int = 768, height: Int = 512) -> Report {
        warmUpBLAS()
        let maxWorkers = TensorParallelism.maxWorkers
        let workerCounts = Set([1, maxWorkers]).sorted()
        // What the machine gives several workers at once (vCPUs may share a core or be busy elsewhere).
        let sgemm = workerCounts.map { SgemmPeak.measure(workers: $0, repetitions: repetitions) }
        func share(_ rate: Double, _ workers: Int) -> Double {
            rate / sgemm.first { $0.workers == workers }!.gflopsPerSecond * 100
        }

        var random = BenchmarkRandom(seed: 1)
        let (C, K) = (128, 5)
        let geometry = Conv2DGeometry(kernelSize: K, stride: 2, padding: 2)
        let input = Tensor(shape: [1, C, height, width], data: random.floats(C * height * width))
        let weight = Tensor(shape: [C, C, K, K], data: random.floats(C * C * K * K).map { $0 * 0.05 })
        let bias = Tensor(shape: [C], data: random.floats(C))
        let (OH, OW) = geometry.outputSize(height: height, width: width)
        let macs = C * C * K * K * OH * OW
        func timed(_ body: @escaping () -> Void) -> [KernelRun] {
            workerCounts.map { workers in
                let seconds = TensorParallelism.$maxWorkers.withValue(workers) {
                    BenchmarkTimer.best(of: repetitions, body)
                }
                let rate = 2 * Double(macs) / seconds / 1e9
                return KernelRun(
                    workers: workers, milliseconds: seconds * 1e3, gflopsPerSecond: rate,
                    percentOfSgemm: share(rate, workers))
            }
        }
        let convolution = Convolution(
            channels: C, kernelSize: K, stride: 2, width: width, height: height, outputWidth: OW, outputHeight: OH,
            macs: macs, runs: timed { _ = Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry) })
        // The decoder's upsampler: the transposed convolution back from (OW, OH) to (width, height).
        let latent = Tensor(shape: [1, C, OH, OW], data: random.floats(C * OH * OW))
        var transposed = convolution
        transposed.runs = timed {
            _ = Tensor.convTranspose2d(
                latent, weight: weight, bias: bias, geometry: geometry, outputPaddingH: (height + 1) % 2,
                outputPaddingW: (width + 1) % 2)
        }
        return Report(
            machine: BLASBackend.current, maxWorkers: maxWorkers, sgemm: sgemm, convolution: convolution,
            transposedConvolution: transposed,
            gdn: gdn(repetitions: repetitions, width: width / 2, height: height / 2, random: &random))
    }

    /// GDN with 64 channels on a `width` x `height` plane (the codec's first GDN, g_a.1 of `bmshj-f-vr`, on an image
    /// twice that size): the reference loops, the portable kernel (which the encoder runs) with one worker and with
    /// `maxWorkers` workers, its speed-up over the reference and whether its output is bit-identical to it, and the
    /// sgemm-based fast kernel for comparison.
    private static func gdn(repetitions: Int, width: Int, height: Int, random: inout BenchmarkRandom) -> GDN {
        let C = 64
        let input = Tensor(shape: [1, C, height, width], data: random.floats(C * height * width))
        // Positive beta and small non-negative gamma, as trained GDN layers have.
        let beta = Tensor(shape: [C], data: random.floats(C).map { 1 + 0.5 * $0 })
        let gamma = Tensor(shape: [C, C], data: random.floats(C * C).map { 0.05 * abs($0) })
        var reference = Tensor(shape: [])
        let referenceSeconds = BenchmarkTimer.best(of: repetitions) {
            reference = Tensor.gdn(input, beta: beta, gamma: gamma, path: .reference)
        }
        let portable = Set([1, TensorParallelism.maxWorkers]).sorted().map { workers in
            var output = Tensor(shape: [])
            let seconds = TensorParallelism.$maxWorkers.withValue(workers) {
                BenchmarkTimer.best(of: repetitions) {
                    output = Tensor.gdn(input, beta: beta, gamma: gamma, path: .portable)
                }
            }
            return GDN.PortableRun(
                workers: workers, milliseconds: seconds * 1e3, speedUp: referenceSeconds / seconds,
                bitIdentical: output.data.map(\.bitPattern) == reference.data.map(\.bitPattern))
        }
        let fastSeconds = BenchmarkTimer.best(of: repetitions) {
            _ = Tensor.gdn(input, beta: beta, gamma: gamma, path: .fast)
        }
        return GDN(
            channels: C, width: width, height: height, macs: C * C * height * width,
            referenceMilliseconds: referenceSeconds * 1e3, portable: portable,
            fastWorkers: TensorParallelism.maxWorkers, fastMilliseconds: fastSeconds * 1e3,
            fastSpeedUp: referenceSeconds / fastSeconds)
    }
}

/// SplitMix64 floats in [-1, 1) for benchmark inputs.
private struct BenchmarkRandom {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in generator.uniform(-1, 1) } }
}
