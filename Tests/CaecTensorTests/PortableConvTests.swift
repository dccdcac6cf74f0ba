import CaecTensor
import CaecTestSupport
import Testing

@Suite struct PortableConvTests {
    /// (N, IC, H, W, OC, kernel, stride, padding)
    static let shapes: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
        (1, 3, 7, 5, 4, 3, 1, 1), (2, 5, 9, 11, 6, 3, 2, 1), (1, 4, 16, 13, 8, 5, 2, 2), (3, 2, 6, 6, 3, 1, 1, 0),
        (1, 16, 33, 17, 32, 3, 1, 1), (2, 3, 40, 300, 5, 3, 1, 1),
    ]

    /// The portable kernel is the reference kernel's arithmetic, so the two agree exactly.
    @Test(arguments: shapes.indices)
    func portableEqualsReferenceExactly(index: Int) {
        let (N, IC, H, W, OC, k, s, p) = Self.shapes[index]
        var random = SeededRandom(seed: UInt64(100 + index))
        let input = Tensor(shape: [N, IC, H, W], data: random.floats(N * IC * H * W))
        let weight = Tensor(shape: [OC, IC, k, k], data: random.floats(OC * IC * k * k))
        let bias = Tensor(shape: [OC], data: random.floats(OC))
        let geometry = Conv2DGeometry(kernelSize: k, stride: s, padding: p)
        let reference = Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry, path: .reference)
        let portable = Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry, path: .portable)
        #expect(portable.shape == reference.shape)
        #expect(portable.data == reference.data)
    }

    /// Every instruction-set level this machine can run gives the reference kernel's bits, on shapes with
    /// partial tiles of output channels (not a multiple of 4) and positions (not a multiple of 48), bias or none.
    @Test(arguments: ExactKernels.supported, [0, 1, 2, 3])
    func everyLevelEqualsReferenceExactly(level: ExactKernels.Level, index: Int) {
        let shapes = [
            (1, 3, 19, 23, 7, 5, 2, 2), (2, 9, 12, 50, 13, 3, 1, 1), (1, 64, 20, 24, 64, 5, 2, 2),
            (1, 1, 1, 1, 1, 1, 1, 0),
        ]
        let (N, IC, H, W, OC, k, s, p) = shapes[index]
        var random = SeededRandom(seed: UInt64(200 + index))
        let input = Tensor(shape: [N, IC, H, W], data: random.floats(N * IC * H * W))
        // Exact zeros of both signs in the weights, so the sign-of-zero rules are exercised too.
        var weights = random.floats(OC * IC * k * k)
        for i in stride(from: 0, to: weights.count, by: 7) { weights[i] = i % 14 == 0 ? 0 : -0.0 }
        let weight = Tensor(shape: [OC, IC, k, k], data: weights)
        let bias = index == 1 ? nil : Tensor(shape: [OC], data: random.floats(OC))
        let geometry = Conv2DGeometry(kernelSize: k, stride: s, padding: p)
        let reference = Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry, path: .reference)
        let portable = ExactKernels.$forcedLevel.withValue(level) {
            Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry, path: .portable)
        }
        #expect(portable.shape == reference.shape)
        #expect(portable.data == reference.data, "level \(level)")
        // Across levels, even the sign of zero agrees: the .cae bytes cannot depend on the processor.
        let baseline = ExactKernels.$forcedLevel.withValue(.sse2) {
            Tensor.conv2d(input, weight: weight, bias: bias, geometry: geometry, path: .portable)
        }
        #expect(portable.data.map(\.bitPattern) == baseline.data.map(\.bitPattern), "level \(level)")
    }

    @Test func portableIsIndependentOfTheThreadCount() {
        var random = SeededRandom(seed: 7)
        let input = Tensor(shape: [2, 8, 64, 48], data: random.floats(2 * 8 * 64 * 48))
        let weight = Tensor(shape: [16, 8, 3, 3], data: random.floats(16 * 8 * 9))
        let geometry = Conv2DGeometry(kernelSize: 3, padding: 1)
        let one = TensorParallelism.$maxWorkers.withValue(1) {
            Tensor.conv2d(input, weight: weight, bias: nil, geometry: geometry, path: .portable)
        }
        let two = TensorParallelism.$maxWorkers.withValue(2) {
            Tensor.conv2d(input, weight: weight, bias: nil, geometry: geometry, path: .portable)
        }
        #expect(one.data.map(\.bitPattern) == two.data.map(\.bitPattern))
    }
}
