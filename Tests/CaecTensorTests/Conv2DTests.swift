import CaecTensor
import CaecTestSupport
import Testing

/// A convolution case: batch, channels, input size, kernel, stride, padding.
struct ConvCase: Sendable, CustomTestStringConvertible {
    var n: Int, inChannels: Int, height: Int, width: Int, outChannels: Int
    var geometry: Conv2DGeometry
    var testDescription: String { "N\(n) \(inChannels)->\(outChannels) \(height)x\(width) \(geometry)" }
}

let convCases: [ConvCase] = [
    ConvCase(n: 2, inChannels: 3, height: 7, width: 9, outChannels: 4, geometry: .init(kernelSize: 3, padding: 1)),
    ConvCase(
        n: 1, inChannels: 2, height: 8, width: 8, outChannels: 3, geometry: .init(kernelSize: 5, stride: 2, padding: 2)),
    ConvCase(n: 3, inChannels: 1, height: 5, width: 6, outChannels: 2, geometry: .init(kernelSize: 3)),
    ConvCase(
        n: 2, inChannels: 3, height: 9, width: 6, outChannels: 5,
        geometry: .init(kernelHeight: 3, kernelWidth: 2, strideH: 2, strideW: 1, padH: 1, padW: 0)),
    ConvCase(
        n: 1, inChannels: 4, height: 11, width: 13, outChannels: 3,
        geometry: .init(kernelSize: 5, stride: 2, padding: 1)),
    ConvCase(n: 2, inChannels: 2, height: 4, width: 5, outChannels: 2, geometry: .init(kernelSize: 1, stride: 2)),
]

@Suite struct Conv2DTests {
    @Test(arguments: convCases.indices)
    func fastMatchesReference(index: Int) {
        let c = convCases[index]
        var random = SeededRandom(seed: 100 + UInt64(index))
        let g = c.geometry
        let x = randomTensor([c.n, c.inChannels, c.height, c.width], &random)
        let w = randomTensor([c.outChannels, c.inChannels, g.kernelHeight, g.kernelWidth], &random)
        let b = randomTensor([c.outChannels], &random)
        let reference = Tensor.conv2d(x, weight: w, bias: b, geometry: g, path: .reference)
        let fast = Tensor.conv2d(x, weight: w, bias: b, geometry: g, path: .fast)
        #expect(fast.shape == reference.shape)
        // Tolerance: sums of K = IC*KH*KW products of values in [-1, 1]; 1e-5 * K covers Float reordering.
        let k = Float(c.inChannels * g.kernelHeight * g.kernelWidth)
        expectClose(fast.data, reference.data, maxAbs: 1e-5 * k, nmse: 1e-10)

        let dy = randomTensor(reference.shape, &random)
        let gradReference = Tensor.conv2dBackward(dy, input: x, weight: w, geometry: g, path: .reference)
        let gradFast = Tensor.conv2dBackward(dy, input: x, weight: w, geometry: g, path: .fast)
        let p = Float(c.n * reference.shape[2] * reference.shape[3])
        expectClose(
            gradFast.dInput.data, gradReference.dInput.data, maxAbs: 1e-5 * Float(c.outChannels) * k, nmse: 1e-10)
        expectClose(gradFast.dWeight.data, gradReference.dWeight.data, maxAbs: 1e-5 * p, nmse: 1e-10)
        expectClose(gradFast.dBias.data, gradReference.dBias.data, maxAbs: 1e-5 * p, nmse: 1e-10)
    }

    @Test(arguments: convCases.indices)
    func backwardMatchesFiniteDifferences(index: Int) {
        let c = convCases[index]
        var random = SeededRandom(seed: 200 + UInt64(index))
        let g = c.geometry
        let inputs = [
            randomTensor([c.n, c.inChannels, c.height, c.width], &random),
            randomTensor([c.outChannels, c.inChannels, g.kernelHeight, g.kernelWidth], &random),
            randomTensor([c.outChannels], &random),
        ]
        let forward = { (t: [Tensor]) in Tensor.conv2d(t[0], weight: t[1], bias: t[2], geometry: g, path: .reference) }
        let dy = randomTensor(forward(inputs).shape, &random)
        let grads = Tensor.conv2dBackward(dy, input: inputs[0], weight: inputs[1], geometry: g, path: .fast)
        expectGradient(grads.dInput, of: forward, at: inputs, which: 0, weights: dy)
        expectGradient(grads.dWeight, of: forward, at: inputs, which: 1, weights: dy)
        expectGradient(grads.dBias, of: forward, at: inputs, which: 2, weights: dy)
    }

    @Test func parallelEqualsSerialBitExactly() {
        var random = SeededRandom(seed: 300)
        let g = Conv2DGeometry(kernelSize: 5, stride: 2, padding: 2)
        let x = randomTensor([4, 3, 16, 12], &random)
        let w = randomTensor([6, 3, 5, 5], &random)
        let b = randomTensor([6], &random)
        let dy = randomTensor([4, 6, 8, 6], &random)
        let serial = TensorParallelism.$maxWorkers.withValue(1) {
            (
                Tensor.conv2d(x, weight: w, bias: b, geometry: g),
                Tensor.conv2dBackward(dy, input: x, weight: w, geometry: g)
            )
        }
        let parallel = TensorParallelism.$maxWorkers.withValue(2) {
            (
                Tensor.conv2d(x, weight: w, bias: b, geometry: g),
                Tensor.conv2dBackward(dy, input: x, weight: w, geometry: g)
            )
        }
        #expect(serial.0 == parallel.0)
        #expect(serial.1.dInput == parallel.1.dInput)
        #expect(serial.1.dWeight == parallel.1.dWeight)
        #expect(serial.1.dBias == parallel.1.dBias)
    }
}

@Suite struct Conv2DBandTests {
    /// 64 channels, 5x5 on 80x80: K * OW = 128000 floats per output row, so the fast path splits the single
    /// sample into 5 bands of 16 rows (2^21 floats of columns each): bands, their parallel split and the weight
    /// gradient accumulated across bands are checked against the reference.
    @Test func multipleBandsMatchReferenceAndThreadCount() {
        var random = SeededRandom(seed: 310)
        let g = Conv2DGeometry(kernelSize: 5, padding: 2)
        let x = randomTensor([1, 64, 80, 80], &random)
        let w = randomTensor([2, 64, 5, 5], &random)
        let b = randomTensor([2], &random)
        let dy = randomTensor([1, 2, 80, 80], &random)
        let serial = TensorParallelism.$maxWorkers.withValue(1) {
            (
                Tensor.conv2d(x, weight: w, bias: b, geometry: g),
                Tensor.conv2dBackward(dy, input: x, weight: w, geometry: g)
            )
        }
        let parallel = TensorParallelism.$maxWorkers.withValue(2) {
            (
                Tensor.conv2d(x, weight: w, bias: b, geometry: g),
                Tensor.conv2dBackward(dy, input: x, weight: w, geometry: g)
            )
        }
        #expect(serial.0 == parallel.0)
        #expect(serial.1 == parallel.1)
        let reference = Tensor.conv2d(x, weight: w, bias: b, geometry: g, path: .reference)
        expectClose(parallel.0.data, reference.data, maxAbs: 1e-5 * 1600, nmse: 1e-10)
        let gradients = Tensor.conv2dBackward(dy, input: x, weight: w, geometry: g, path: .reference)
        expectClose(parallel.1.dInput.data, gradients.dInput.data, maxAbs: 1e-5 * 2 * 25, nmse: 1e-10)
        expectClose(parallel.1.dWeight.data, gradients.dWeight.data, maxAbs: 1e-5 * 6400, nmse: 1e-10)
        expectClose(parallel.1.dBias.data, gradients.dBias.data, maxAbs: 1e-5 * 6400, nmse: 1e-10)
    }
}

@Suite struct Conv2DGroupTests {
    /// 8x8 outputs (P = 64): the fast path puts 1024 / 64 = 16 samples side by side per sgemm, so 37 samples make
    /// groups of 16, 16 and 5; checked against the reference and across thread counts.
    @Test func sampleGroupsMatchReferenceAndThreadCount() {
        var random = SeededRandom(seed: 320)
        let g = Conv2DGeometry(kernelSize: 3, padding: 1)
        let x = randomTensor([37, 3, 8, 8], &random)
        let w = randomTensor([5, 3, 3, 3], &random)
        let b = randomTensor([5], &random)
        let dy = randomTensor([37, 5, 8, 8], &random)
        let serial = TensorParallelism.$maxWorkers.withValue(1) {
            (
                Tensor.conv2d(x, weight: w, bias: b, geometry: g),
                Tensor.conv2dBackward(dy, input: x, weight: w, geometry: g)
            )
        }
        let parallel = TensorParallelism.$maxWorkers.withValue(2) {
            (
                Tensor.conv2d(x, weight: w, bias: b, geometry: g),
                Tensor.conv2dBackward(dy, input: x, weight: w, geometry: g)
            )
        }
        #expect(serial.0 == parallel.0)
        #expect(serial.1 == parallel.1)
        let reference = Tensor.conv2d(x, weight: w, bias: b, geometry: g, path: .reference)
        expectClose(parallel.0.data, reference.data, maxAbs: 1e-5 * 27, nmse: 1e-10)
        let gradients = Tensor.conv2dBackward(dy, input: x, weight: w, geometry: g, path: .reference)
        expectClose(parallel.1.dInput.data, gradients.dInput.data, maxAbs: 1e-5 * 5 * 27, nmse: 1e-10)
        expectClose(parallel.1.dWeight.data, gradients.dWeight.data, maxAbs: 1e-5 * 37 * 64, nmse: 1e-10)
        expectClose(parallel.1.dBias.data, gradients.dBias.data, maxAbs: 1e-5 * 37 * 64, nmse: 1e-10)
    }
}
