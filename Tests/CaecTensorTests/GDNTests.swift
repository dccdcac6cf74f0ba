import CaecTensor
import CaecTestSupport
import Testing

@Suite struct GDNTests {
    /// Positive beta and non-negative gamma, as the models' reparametrisation produces.
    func parameters(channels C: Int, _ random: inout SeededRandom) -> (beta: Tensor, gamma: Tensor) {
        (randomTensor([C], &random, in: 0.5..<1.5), randomTensor([C, C], &random, in: 0..<0.3))
    }

    @Test(arguments: [false, true])
    func fastMatchesReferenceAndFiniteDifferences(inverse: Bool) {
        var random = SeededRandom(seed: inverse ? 1900 : 1901)
        let x = randomTensor([2, 4, 3, 5], &random, in: -2..<2)
        let (beta, gamma) = parameters(channels: 4, &random)
        let reference = Tensor.gdn(x, beta: beta, gamma: gamma, inverse: inverse, path: .reference)
        let fast = Tensor.gdn(x, beta: beta, gamma: gamma, inverse: inverse, path: .fast)
        // Float rounding of a C-term sum and one square root: relative 1e-6 of values up to ~2 (GDN) or ~5 (IGDN).
        expectClose(fast.data, reference.data, maxAbs: 1e-5, nmse: 1e-10)

        let dy = randomTensor(x.shape, &random)
        let gradients = Tensor.gdnBackward(dy, input: x, beta: beta, gamma: gamma, inverse: inverse, path: .fast)
        let gradientsReference = Tensor.gdnBackward(
            dy, input: x, beta: beta, gamma: gamma, inverse: inverse, path: .reference)
        expectClose(gradients.dInput.data, gradientsReference.dInput.data, maxAbs: 1e-5, nmse: 1e-10)
        expectClose(gradients.dBeta.data, gradientsReference.dBeta.data, maxAbs: 1e-4, nmse: 1e-10)
        expectClose(gradients.dGamma.data, gradientsReference.dGamma.data, maxAbs: 1e-4, nmse: 1e-10)

        let forward = { (t: [Tensor]) in Tensor.gdn(t[0], beta: t[1], gamma: t[2], inverse: inverse, path: .reference) }
        let inputs = [x, beta, gamma]
        expectGradient(gradients.dInput, of: forward, at: inputs, which: 0, weights: dy, step: 1e-2)
        expectGradient(gradients.dBeta, of: forward, at: inputs, which: 1, weights: dy, step: 1e-2)
        expectGradient(gradients.dGamma, of: forward, at: inputs, which: 2, weights: dy, step: 1e-2)
    }

    /// (N, C, H, W): odd sizes, one channel, single pixels, and 64 channels over 2160 pixels per sample (more
    /// than one band of 2048 pixels, and tiles that do not divide the band).
    static let portableShapes = [(2, 5, 7, 9), (3, 1, 5, 3), (2, 7, 1, 1), (1, 17, 33, 65), (2, 64, 48, 45)]

    /// The portable kernel is the reference kernel's arithmetic, so the two agree exactly (bit patterns, which also
    /// tells -0 from +0), with inputs of both signs.
    @Test(arguments: portableShapes.indices, [false, true])
    func portableEqualsReferenceExactly(index: Int, inverse: Bool) {
        let (N, C, H, W) = Self.portableShapes[index]
        var random = SeededRandom(seed: UInt64(2100 + 2 * index + (inverse ? 1 : 0)))
        let x = randomTensor([N, C, H, W], &random, in: -3..<3)
        let (beta, gamma) = parameters(channels: C, &random)
        let reference = Tensor.gdn(x, beta: beta, gamma: gamma, inverse: inverse, path: .reference)
        let portable = Tensor.gdn(x, beta: beta, gamma: gamma, inverse: inverse, path: .portable)
        // Counted rather than compared whole, so that a failure reports a number, not two long arrays.
        let mismatches = zip(portable.data, reference.data).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(portable.shape == reference.shape)
        #expect(mismatches == 0, "\(mismatches) of \(reference.count) elements differ")
    }

    /// Every instruction-set level of the sums kernel this machine can run gives the reference's bits.
    @Test(arguments: ExactKernels.supported, [false, true])
    func everyLevelEqualsReferenceExactly(level: ExactKernels.Level, inverse: Bool) {
        for (index, (N, C, H, W)) in Self.portableShapes.enumerated() {
            var random = SeededRandom(seed: UInt64(2300 + 2 * index + (inverse ? 1 : 0)))
            let x = randomTensor([N, C, H, W], &random, in: -3..<3)
            let (beta, gamma) = parameters(channels: C, &random)
            let reference = Tensor.gdn(x, beta: beta, gamma: gamma, inverse: inverse, path: .reference)
            let portable = ExactKernels.$forcedLevel.withValue(level) {
                Tensor.gdn(x, beta: beta, gamma: gamma, inverse: inverse, path: .portable)
            }
            let mismatches = zip(portable.data, reference.data).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(mismatches == 0, "level \(level), shape \([N, C, H, W]): \(mismatches) elements differ")
        }
    }

    @Test func portableIsIndependentOfTheThreadCount() {
        var random = SeededRandom(seed: 2200)
        // 2 samples x 3 bands of 2048 pixels.
        let x = randomTensor([2, 6, 70, 80], &random, in: -2..<2)
        let (beta, gamma) = parameters(channels: 6, &random)
        for inverse in [false, true] {
            let one = TensorParallelism.$maxWorkers.withValue(1) {
                Tensor.gdn(x, beta: beta, gamma: gamma, inverse: inverse, path: .portable)
            }
            let two = TensorParallelism.$maxWorkers.withValue(2) {
                Tensor.gdn(x, beta: beta, gamma: gamma, inverse: inverse, path: .portable)
            }
            #expect(one.data.map(\.bitPattern) == two.data.map(\.bitPattern), "inverse: \(inverse)")
        }
    }

    @Test func knownValueAndInverse() {
        // One channel: s = beta + gamma * x^2 = 1 + 9 / 3 = 4, so GDN gives 3 / 2 and inverse GDN 3 * 2.
        let x = Tensor(shape: [1, 1, 1, 1], data: [3])
        let beta = Tensor(shape: [1], data: [1])
        let gamma = Tensor(shape: [1, 1], data: [1.0 / 3])
        for path in KernelPath.allCases {
            #expect(Tensor.gdn(x, beta: beta, gamma: gamma, path: path).data == [1.5])
            #expect(Tensor.gdn(x, beta: beta, gamma: gamma, inverse: true, path: path).data == [6])
        }
    }

    @Test func parallelEqualsSerialBitExactly() {
        var random = SeededRandom(seed: 2000)
        // 3 samples x 2 bands of 2048 pixels, so items cross threads.
        let x = randomTensor([3, 3, 50, 60], &random)
        let (beta, gamma) = parameters(channels: 3, &random)
        let dy = randomTensor(x.shape, &random)
        func run() -> (Tensor, GDNGradients) {
            (
                Tensor.gdn(x, beta: beta, gamma: gamma),
                Tensor.gdnBackward(dy, input: x, beta: beta, gamma: gamma)
            )
        }
        let serial = TensorParallelism.$maxWorkers.withValue(1) { run() }
        let parallel = TensorParallelism.$maxWorkers.withValue(2) { run() }
        #expect(serial.0 == parallel.0)
        #expect(serial.1 == parallel.1)
    }
}
