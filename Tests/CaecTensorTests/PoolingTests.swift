import CaecTensor
import CaecTestSupport
import Testing

/// (N, C, H, W) and pooling geometry.
let poolCases: [([Int], Conv2DGeometry)] = [
    ([2, 3, 6, 8], Conv2DGeometry(kernelSize: 2, stride: 2)),
    ([1, 2, 7, 9], Conv2DGeometry(kernelSize: 2, stride: 2)),
    ([2, 2, 7, 6], Conv2DGeometry(kernelSize: 3, stride: 2, padding: 1)),
    ([1, 3, 5, 7], Conv2DGeometry(kernelHeight: 3, kernelWidth: 2, strideH: 1, strideW: 2, padH: 1, padW: 0)),
]

@Suite struct PoolingTests {
    @Test(arguments: poolCases.indices)
    func maxPoolFastEqualsReference(index: Int) {
        let (shape, g) = poolCases[index]
        var random = SeededRandom(seed: 400 + UInt64(index))
        let x = randomTensor(shape, &random)
        let reference = Tensor.maxPool2d(x, geometry: g, path: .reference)
        let fast = Tensor.maxPool2d(x, geometry: g, path: .fast)
        // Max-pooling only selects: both paths agree exactly.
        #expect(fast.output == reference.output)
        #expect(fast.argmax == reference.argmax)
        let dy = randomTensor(reference.output.shape, &random)
        let dxReference = Tensor.maxPool2dBackward(dy, argmax: reference.argmax, inputShape: shape, path: .reference)
        let dxFast = Tensor.maxPool2dBackward(dy, argmax: fast.argmax, inputShape: shape, path: .fast)
        #expect(dxFast == dxReference)
    }

    @Test(arguments: poolCases.indices)
    func maxPoolBackwardMatchesFiniteDifferences(index: Int) {
        let (shape, g) = poolCases[index]
        var random = SeededRandom(seed: 500 + UInt64(index))
        let x = distinctTensor(shape, &random)
        let forward = { (t: [Tensor]) in Tensor.maxPool2d(t[0], geometry: g, path: .reference).output }
        let pooled = Tensor.maxPool2d(x, geometry: g)
        let dy = randomTensor(pooled.output.shape, &random)
        let dx = Tensor.maxPool2dBackward(dy, argmax: pooled.argmax, inputShape: shape)
        expectGradient(dx, of: forward, at: [x], which: 0, weights: dy, step: 1e-3)
    }

    @Test func maxPoolKnownValues() {
        // 1 x 1 x 2 x 4: windows [1 5; 3 2] and [4 4; 0 -1]; the tie picks the first element.
        let x = Tensor(shape: [1, 1, 2, 4], data: [1, 5, 4, 4, 3, 2, 0, -1])
        for path in KernelPath.allCases {
            let pooled = Tensor.maxPool2d(x, geometry: Conv2DGeometry(kernelSize: 2, stride: 2), path: path)
            #expect(pooled.output.data == [5, 4])
            #expect(pooled.argmax == [1, 2])
        }
    }

    @Test(arguments: poolCases.indices)
    func avgPool(index: Int) {
        let (shape, g) = poolCases[index]
        var random = SeededRandom(seed: 600 + UInt64(index))
        let x = randomTensor(shape, &random)
        let reference = Tensor.avgPool2d(x, geometry: g, path: .reference)
        // Same summation order on both paths.
        #expect(Tensor.avgPool2d(x, geometry: g, path: .fast) == reference)
        let dy = randomTensor(reference.shape, &random)
        let dx = Tensor.avgPool2dBackward(dy, inputShape: shape, geometry: g, path: .fast)
        #expect(dx == Tensor.avgPool2dBackward(dy, inputShape: shape, geometry: g, path: .reference))
        let forward = { (t: [Tensor]) in Tensor.avgPool2d(t[0], geometry: g, path: .reference) }
        expectGradient(dx, of: forward, at: [x], which: 0, weights: dy)
    }

    @Test func globalAvgPool() {
        var random = SeededRandom(seed: 700)
        let x = randomTensor([2, 3, 5, 7], &random)
        let reference = Tensor.globalAvgPool2d(x, path: .reference)
        #expect(reference.shape == [2, 3, 1, 1])
        expectClose(Tensor.globalAvgPool2d(x, path: .fast).data, reference.data, maxAbs: 1e-6)
        let dy = randomTensor([2, 3, 1, 1], &random)
        let dx = Tensor.globalAvgPool2dBackward(dy, inputShape: x.shape)
        let forward = { (t: [Tensor]) in Tensor.globalAvgPool2d(t[0], path: .reference) }
        expectGradient(dx, of: forward, at: [x], which: 0, weights: dy)
    }

    @Test(arguments: [([2, 3, 4, 5], 2), ([1, 2, 3, 3], 3), ([1, 1, 2, 3], 1)])
    func upsampleNearest(shape: [Int], factor: Int) {
        var random = SeededRandom(seed: 800 + UInt64(factor))
        let x = randomTensor(shape, &random)
        let reference = Tensor.upsampleNearest(x, factor: factor, path: .reference)
        #expect(reference.shape == [shape[0], shape[1], shape[2] * factor, shape[3] * factor])
        #expect(Tensor.upsampleNearest(x, factor: factor, path: .fast) == reference)
        let dy = randomTensor(reference.shape, &random)
        let dx = Tensor.upsampleNearestBackward(dy, factor: factor, path: .fast)
        #expect(dx == Tensor.upsampleNearestBackward(dy, factor: factor, path: .reference))
        let forward = { (t: [Tensor]) in Tensor.upsampleNearest(t[0], factor: factor, path: .reference) }
        expectGradient(dx, of: forward, at: [x], which: 0, weights: dy)
    }

    @Test func parallelEqualsSerialBitExactly() {
        var random = SeededRandom(seed: 900)
        let x = randomTensor([3, 4, 10, 12], &random)
        let g = Conv2DGeometry(kernelSize: 3, stride: 2, padding: 1)
        func run() -> [Tensor] {
            let pooled = Tensor.maxPool2d(x, geometry: g)
            let averaged = Tensor.avgPool2d(x, geometry: g)
            return [
                pooled.output, Tensor.maxPool2dBackward(pooled.output, argmax: pooled.argmax, inputShape: x.shape),
                averaged, Tensor.avgPool2dBackward(averaged, inputShape: x.shape, geometry: g),
                Tensor.upsampleNearest(x, factor: 2), Tensor.upsampleNearestBackward(x, factor: 2),
            ]
        }
        let serial = TensorParallelism.$maxWorkers.withValue(1) { run() }
        let parallel = TensorParallelism.$maxWorkers.withValue(2) { run() }
        #expect(serial == parallel)
    }
}
