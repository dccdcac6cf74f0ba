import CaecTensor
import CaecTestSupport
import Testing

/// A transposed convolution case: batch, channels, input size, geometry, output padding.
struct DeconvCase: Sendable, CustomTestStringConvertible {
    var n: Int, inChannels: Int, height: Int, width: Int, outChannels: Int
    var geometry: Conv2DGeometry
    var outputPadding: (h: Int, w: Int)
    var testDescription: String {
        "N\(n) \(inChannels)->\(outChannels) \(height)x\(width) \(geometry) outpad \(outputPadding)"
    }
}

let deconvCases: [DeconvCase] = [
    // Ballé / CompressAI upsampler: 5x5, stride 2, padding 2, output padding 1 doubles the size.
    DeconvCase(
        n: 2, inChannels: 3, height: 4, width: 5, outChannels: 2, geometry: .init(kernelSize: 5, stride: 2, padding: 2),
        outputPadding: (1, 1)),
    DeconvCase(
        n: 1, inChannels: 2, height: 3, width: 3, outChannels: 3, geometry: .init(kernelSize: 3, stride: 1, padding: 1),
        outputPadding: (0, 0)),
    DeconvCase(
        n: 2, inChannels: 2, height: 3, width: 4, outChannels: 2, geometry: .init(kernelSize: 3, stride: 2),
        outputPadding: (0, 1)),
    DeconvCase(
        n: 1, inChannels: 3, height: 5, width: 3, outChannels: 4,
        geometry: .init(kernelHeight: 4, kernelWidth: 3, strideH: 2, strideW: 3, padH: 1, padW: 0),
        outputPadding: (1, 2)),
    // 70 output channels: three channel groups (32, 32, 6) on the fast path.
    DeconvCase(
        n: 1, inChannels: 1, height: 2, width: 3, outChannels: 70,
        geometry: .init(kernelSize: 5, stride: 2, padding: 2),
        outputPadding: (1, 1)),
]

@Suite struct ConvTranspose2DTests {
    @Test func compressAIShapeDoublesSize() {
        let g = Conv2DGeometry(kernelSize: 5, stride: 2, padding: 2)
        let size = g.transposedOutputSize(height: 16, width: 24, outputPaddingH: 1, outputPaddingW: 1)
        #expect(size == (32, 48))
    }

    @Test(arguments: deconvCases.indices)
    func fastMatchesReferenceAndFiniteDifferences(index: Int) {
        let c = deconvCases[index]
        let g = c.geometry
        var random = SeededRandom(seed: 1600 + UInt64(index))
        let inputs = [
            randomTensor([c.n, c.inChannels, c.height, c.width], &random),
            randomTensor([c.inChannels, c.outChannels, g.kernelHeight, g.kernelWidth], &random),
            randomTensor([c.outChannels], &random),
        ]
        let forward = { (t: [Tensor], path: KernelPath) in
            Tensor.convTranspose2d(
                t[0], weight: t[1], bias: t[2], geometry: g, outputPaddingH: c.outputPadding.h,
                outputPaddingW: c.outputPadding.w, path: path)
        }
        let reference = forward(inputs, .reference)
        // Sums of at most IC * KH * KW products of values in [-1, 1].
        let k = Float(c.inChannels * g.kernelHeight * g.kernelWidth)
        expectClose(forward(inputs, .fast).data, reference.data, maxAbs: 1e-5 * k, nmse: 1e-10)

        let dy = randomTensor(reference.shape, &random)
        let gradients = Tensor.convTranspose2dBackward(
            dy, input: inputs[0], weight: inputs[1], geometry: g, path: .fast)
        let gradientsReference = Tensor.convTranspose2dBackward(
            dy, input: inputs[0], weight: inputs[1], geometry: g, path: .reference)
        let p = Float(reference.count)
        expectClose(
            gradients.dInput.data, gradientsReference.dInput.data, maxAbs: 1e-5 * Float(c.outChannels) * k, nmse: 1e-10)
        expectClose(gradients.dWeight.data, gradientsReference.dWeight.data, maxAbs: 1e-5 * p, nmse: 1e-10)
        expectClose(gradients.dBias.data, gradientsReference.dBias.data, maxAbs: 1e-5 * p, nmse: 1e-10)
        let referenceForward = { (t: [Tensor]) in forward(t, .reference) }
        expectGradient(gradients.dInput, of: referenceForward, at: inputs, which: 0, weights: dy)
        expectGradient(gradients.dWeight, of: referenceForward, at: inputs, which: 1, weights: dy)
        expectGradient(gradients.dBias, of: referenceForward, at: inputs, which: 2, weights: dy)
    }

    /// The transposed convolution is the adjoint of the convolution: <conv(x), y> = <x, convT(y)> without bias.
    @Test func adjointOfConv2d() {
        var random = SeededRandom(seed: 1700)
        let g = Conv2DGeometry(kernelSize: 5, stride: 2, padding: 2)
        let x = randomTensor([1, 3, 8, 10], &random)
        let w = randomTensor([4, 3, 5, 5], &random)
        let y = randomTensor([1, 4, 4, 5], &random)
        let forward = Tensor.conv2d(x, weight: w, bias: nil, geometry: g)
        let back = Tensor.convTranspose2d(y, weight: w, bias: nil, geometry: g, outputPaddingH: 1, outputPaddingW: 1)
        let left = zip(forward.data, y.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(x.data, back.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(left - right) < 1e-3)
    }

    @Test func parallelEqualsSerialBitExactly() {
        var random = SeededRandom(seed: 1800)
        let g = Conv2DGeometry(kernelSize: 5, stride: 2, padding: 2)
        let x = randomTensor([3, 4, 6, 5], &random)
        let w = randomTensor([4, 3, 5, 5], &random)
        let b = randomTensor([3], &random)
        let dy = randomTensor([3, 3, 12, 10], &random)
        func run() -> (Tensor, LayerGradients) {
            (
                Tensor.convTranspose2d(x, weight: w, bias: b, geometry: g, outputPaddingH: 1, outputPaddingW: 1),
                Tensor.convTranspose2dBackward(dy, input: x, weight: w, geometry: g)
            )
        }
        let serial = TensorParallelism.$maxWorkers.withValue(1) { run() }
        let parallel = TensorParallelism.$maxWorkers.withValue(2) { run() }
        #expect(serial.0 == parallel.0)
        #expect(serial.1 == parallel.1)
        // One image, 70 output channels: the forward splits into three channel groups.
        let image = randomTensor([1, 5, 7, 6], &random)
        let wide = randomTensor([5, 70, 5, 5], &random)
        let forward = {
            Tensor.convTranspose2d(image, weight: wide, bias: nil, geometry: g, outputPaddingH: 1, outputPaddingW: 1)
        }
        let serialWide = TensorParallelism.$maxWorkers.withValue(1) { forward() }
        #expect(serialWide == TensorParallelism.$maxWorkers.withValue(2) { forward() })
    }

    /// One large image is split into bands of rows: the backward is the same for one and two workers, agrees with
    /// the reference, and with `GradientScope.inputOnly` gives the same dInput and no parameter gradients.
    @Test func oneLargeImageSplitsIntoBands() {
        var random = SeededRandom(seed: 1900)
        let g = Conv2DGeometry(kernelSize: 5, stride: 2, padding: 2)
        // 48 output channels: K = 1200 column rows, so a 90-wide output gets bands of a few rows.
        let x = randomTensor([1, 6, 40, 45], &random)
        let w = randomTensor([6, 48, 5, 5], &random)
        let dy = randomTensor([1, 48, 80, 90], &random)
        let backward = { Tensor.convTranspose2dBackward(dy, input: x, weight: w, geometry: g) }
        let one = TensorParallelism.$maxWorkers.withValue(1) { backward() }
        let two = TensorParallelism.$maxWorkers.withValue(2) { backward() }
        #expect(one == two)
        let reference = Tensor.convTranspose2dBackward(dy, input: x, weight: w, geometry: g, path: .reference)
        expectClose(one.dInput.data, reference.dInput.data, maxAbs: 1e-3)
        expectClose(one.dWeight.data, reference.dWeight.data, maxAbs: 1e-2)
        let inputOnly = GradientScope.$inputOnly.withValue(true) { backward() }
        #expect(inputOnly.dInput == one.dInput)
        #expect(inputOnly.dWeight.data.allSatisfy { $0 == 0 } && inputOnly.dBias.data.allSatisfy { $0 == 0 })
    }
}
