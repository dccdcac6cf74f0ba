import CaecTensor

#if canImport(Glibc)
    import Glibc
#endif

/// Speed figures of the fast kernels against the machine's sgemm peak, measured in the same run (`caec bench`).
package enum TensorBenchmark {
    /// Measures, best of `repetitions` runs each:
    /// 1. `cblas_sgemm` 1024 x 1024 x 1024 on one thread, and one such sgemm per worker at once (the peaks the
    ///    kernels are compared with: two vCPUs may give one core's worth, or be busy with other work);
    /// 2. the forward 5x5 stride-2 padding-2 convolution 128 -> 128 channels of a 768x512 image (one sample),
    ///    fast path, with one worker and with `TensorParallelism.maxWorkers` workers;
    /// 3. the matching transposed convolution from 384x256 back to 768x512, likewise;
    /// 4. GDN with 64 channels on 384x256: reference, portable and fast (see `gdn`).
    /// Returns printable lines: CPU model, times, GFLOP/s and share of the sgemm peak on as many workers, and the
    /// deterministic counters (multiply-adds).
    /// sgemm 1024 x 1024 x 1024 on one thread, best of `repetitions`: the printable line and GFLOP/s.
    package static func sgemm(repetitions: Int = 3) -> (line: String, gflops: Double) {
        warmUpBLAS()
        let size = 1024
        let a = Tensor(shape: [size, size], repeating: 0.5)
        let seconds = best(of: repetitions) {
            _ = Tensor.linear(a, weight: a, bias: nil)  // (N, IN) x (OUT, IN)^T: one sgemm
        }
        let gflops = 2 * Double(size * size * size) / seconds / 1e9
        return ("sgemm \(size)^3 (1 thread): \(format(seconds * 1e3)) ms, \(format(gflops)) GFLOP/s", gflops)
    }

    package static func run(repetitions: Int = 3, width: Int = 768, height: Int = 512) -> [String] {
        warmUpBLAS()
        var lines = ["\(BLASBackend.current.summary), workers: \(TensorParallelism.maxWorkers)"]

        let size = 1024
        let a = Tensor(shape: [size, size], repeating: 0.5)
        let flopsGemm = 2 * Double(size * size * size)
        let (line, peak) = sgemm(repetitions: repetitions)
        lines.append(line)
        // What the machine gives several workers at once (vCPUs may share a core or be busy elsewhere).
        var peaks = [1: peak]
        for workers in Set([1, TensorParallelism.maxWorkers]).sorted() where workers > 1 {
            let seconds = best(of: repetitions) {
                TensorParallelism.forEach(workers) { _ in _ = Tensor.linear(a, weight: a, bias: nil) }
            }
            peaks[workers] = flopsGemm * Double(workers) / seconds / 1e9
            lines.append(
                "sgemm \(size)^3 on \(workers) workers at once: \(format(seconds * 1e3)) ms, "
                    + "\(format(peaks[workers]!)) GFLOP/s in total")
        }

        var random = BenchmarkRandom(seed: 1)
        let (C, K) = (128, 5)
        let geometry = Conv2DGeometry(kernelSize: K, stride: 2, padding: 2)
        let input = Tensor(shape: [1, C, height, width], data: random.floats(C * height * width))
        let weight = Tensor(shape: [C, C, K, K], data: random.floats(C * C * K * K).map { $0 * 0.05 })
        let bias = Tensor(shape: [C], data: random.floats(C))
        let (OH, OW) = geometry.outputSize(height: height, width: width)
        let macs = C * C * K * K * OH * OW
        lines.append("conv 5x5/2 \(C)->\(C) on \(width)x\(height): \(macs) MACs, output \(OW)x\(OH)")
        for workers in Set([1, TensorParallelism.maxWorkers]).sorted() {
            let seconds = TensorParallelism.$maxWorkers.withValue(workers) {
                best(of: repetitions) { _ = Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry) }
            }
            let rate = 2 * Double(macs) / seconds / 1e9
            let share = rate / peaks[workers]! * 100
            lines.append(
                "conv forward, \(workers) worker(s): \(format(seconds * 1e3)) ms, \(format(rate)) GFLOP/s, "
                    + "\(format(share))% of sgemm on \(workers) worker(s)")
        }
        // The decoder's upsampler: the transposed convolution back from (OW, OH) to (width, height).
        let latent = Tensor(shape: [1, C, OH, OW], data: random.floats(C * OH * OW))
        lines.append("deconv 5x5/2 \(C)->\(C) from \(OW)x\(OH) to \(width)x\(height): \(macs) MACs")
        for workers in Set([1, TensorParallelism.maxWorkers]).sorted() {
            let seconds = TensorParallelism.$maxWorkers.withValue(workers) {
                best(of: repetitions) {
                    _ = Tensor.convTranspose2d(
                        latent, weight: weight, bias: bias, geometry: geometry, outputPaddingH: (height + 1) % 2,
                        outputPaddingW: (width + 1) % 2)
                }
            }
            let rate = 2 * Double(macs) / seconds / 1e9
            let share = rate / peaks[workers]! * 100
            lines.append(
                "deconv forward, \(workers) worker(s): \(format(seconds * 1e3)) ms, \(format(rate)) GFLOP/s, "
                    + "\(format(share))% of sgemm on \(workers) worker(s)")
        }
        lines += gdn(repetitions: repetitions, width: width / 2, height: height / 2, random: &random)
        return lines
    }

    /// GDN with 64 channels on a `width` x `height` plane (the codec's first GDN, g_a.1 of `bmshj-f-vr`, on an image
    /// twice that size): the reference loops, the portable kernel (which the encoder runs) with one worker and with
    /// `maxWorkers` workers, its speed-up over the reference and whether its output is bit-identical to it, and the
    /// sgemm-based fast kernel for comparison.
    private static func gdn(repetitions: Int, width: Int, height: Int, random: inout BenchmarkRandom) -> [String] {
        let C = 64
        let input = Tensor(shape: [1, C, height, width], data: random.floats(C * height * width))
        // Positive beta and small non-negative gamma, as trained GDN layers have.
        let beta = Tensor(shape: [C], data: random.floats(C).map { 1 + 0.5 * $0 })
        let gamma = Tensor(shape: [C, C], data: random.floats(C * C).map { 0.05 * abs($0) })
        let macs = C * C * height * width
        var lines = ["gdn \(C) channels on \(width)x\(height): \(macs) MACs"]
        var reference = Tensor(shape: [])
        let referenceSeconds = best(of: repetitions) {
            reference = Tensor.gdn(input, beta: beta, gamma: gamma, path: .reference)
        }
        lines.append("gdn forward, reference (1 thread): \(format(referenceSeconds * 1e3)) ms")
        for workers in Set([1, TensorParallelism.maxWorkers]).sorted() {
            var portable = Tensor(shape: [])
            let seconds = TensorParallelism.$maxWorkers.withValue(workers) {
                best(of: repetitions) { portable = Tensor.gdn(input, beta: beta, gamma: gamma, path: .portable) }
            }
            let identical = portable.data.map(\.bitPattern) == reference.data.map(\.bitPattern)
            lines.append(
                "gdn forward, portable, \(workers) worker(s): \(format(seconds * 1e3)) ms, "
                    + "\(format(referenceSeconds / seconds))x the reference, bit-identical: \(identical)")
        }
        let fastSeconds = best(of: repetitions) { _ = Tensor.gdn(input, beta: beta, gamma: gamma, path: .fast) }
        lines.append(
            "gdn forward, fast, \(TensorParallelism.maxWorkers) worker(s): \(format(fastSeconds * 1e3)) ms, "
                + "\(format(referenceSeconds / fastSeconds))x the reference")
        return lines
    }

    private static func best(of repetitions: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var bestSeconds = Double.infinity
        for _ in 0..<max(1, repetitions) {
            let elapsed = clock.measure(body)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            bestSeconds = min(bestSeconds, seconds)
        }
        return bestSeconds
    }

    private static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return "\(Int(tenths) / 10).\(abs(Int(tenths)) % 10)"
    }
}

/// SplitMix64 for benchmark inputs (CaecTestSupport is not a dependency of the library).
private struct BenchmarkRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func floats(_ count: Int) -> [Float] {
        (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 23) - 1
        }
    }
}
