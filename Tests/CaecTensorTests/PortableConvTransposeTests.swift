import CaecTensor
import CaecTestSupport
import Testing

/// The portable (polyphase) transposed convolution: the reference loop's sums in the reference loop's order, so
/// equal to it exactly, and bit-identical at every instruction-set level and thread count.
@Suite struct PortableConvTransposeTests {
    /// Shapes beyond `deconvCases`: a phase with no taps (kernel 1, stride 2), stride 3 with a 2-wide kernel,
    /// padding wider than the kernel's reach (taps whose input lies only below or right of the output), output
    /// channels not a multiple of 4 with a width not a multiple of 48 (partial tiles), and one image wide enough
    /// to be split into bands of rows.
    static let cases: [DeconvCase] =
        deconvCases + [
            DeconvCase(
                n: 2, inChannels: 3, height: 5, width: 4, outChannels: 5, geometry: .init(kernelSize: 1, stride: 2),
                outputPadding: (1, 1)),
            DeconvCase(
                n: 1, inChannels: 4, height: 3, width: 7, outChannels: 3,
                geometry: .init(kernelHeight: 2, kernelWidth: 5, strideH: 3, strideW: 2, padH: 0, padW: 2),
                outputPadding: (2, 0)),
            DeconvCase(
                n: 1, inChannels: 2, height: 6, width: 5, outChannels: 3,
                geometry: .init(kernelSize: 3, stride: 2, padding: 2), outputPadding: (1, 0)),
            DeconvCase(
                n: 1, inChannels: 64, height: 12, width: 8, outChannels: 13,
                geometry: .init(kernelSize: 5, stride: 2, padding: 2), outputPadding: (1, 1)),
            DeconvCase(
                n: 1, inChannels: 128, height: 3, width: 1000, outChannels: 1,
                geometry: .init(kernelSize: 5, stride: 2, padding: 2), outputPadding: (1, 1)),
        ]

    static func run(_ c: DeconvCase, _ input: Tensor, _ weight: Tensor, _ bias: Tensor?, _ path: KernelPath) -> Tensor {
        Tensor.convTranspose2d(
            input, weight: weight, bias: bias, geometry: c.geometry, outputPaddingH: c.outputPadding.h,
            outputPaddingW: c.outputPadding.w, path: path)
    }

    /// Random inputs for case `index`, with exact zeros of both signs in the weights so that the sign-of-zero
    /// rules are exercised; no bias for every third case.
    static func inputs(_ index: Int) -> (Tensor, Tensor, Tensor?) {
        let c = cases[index]
        let g = c.geometry
        var random = SeededRandom(seed: 2100 + UInt64(index))
        let input = randomTensor([c.n, c.inChannels, c.height, c.width], &random)
        var weights = random.floats(c.inChannels * c.outChannels * g.kernelHeight * g.kernelWidth)
        for i in stride(from: 0, to: weights.count, by: 5) { weights[i] = i % 10 == 0 ? 0 : -0.0 }
        let weight = Tensor(shape: [c.inChannels, c.outChannels, g.kernelHeight, g.kernelWidth], data: weights)
        let bias = index % 3 == 2 ? nil : randomTensor([c.outChannels], &random)
        return (input, weight, bias)
    }

    /// Every level equals the reference loop exactly (`==`, which treats -0 and +0 as equal), is close to the
    /// sgemm path, and gives the baseline level's bits, sign of zero included.
    @Test(arguments: ExactKernels.supported, cases.indices)
    func everyLevelEqualsReferenceExactly(level: ExactKernels.Level, index: Int) {
        let c = Self.cases[index]
        let (input, weight, bias) = Self.inputs(index)
        let reference = Self.run(c, input, weight, bias, .reference)
        let portable = ExactKernels.$forcedLevel.withValue(level) { Self.run(c, input, weight, bias, .portable) }
        #expect(portable.shape == reference.shape)
        #expect(portable.data == reference.data, "level \(level)")
        let k = Float(c.inChannels * c.geometry.kernelHeight * c.geometry.kernelWidth)
        expectClose(Self.run(c, input, weight, bias, .fast).data, portable.data, maxAbs: 1e-5 * k, nmse: 1e-10)
        let baseline = ExactKernels.$forcedLevel.withValue(.sse2) { Self.run(c, input, weight, bias, .portable) }
        #expect(portable.data.map(\.bitPattern) == baseline.data.map(\.bitPattern), "level \(level)")
    }

    @Test func portableIsIndependentOfTheThreadCount() {
        for index in [0, Self.cases.count - 1] {
            let c = Self.cases[index]
            let (input, weight, bias) = Self.inputs(index)
            let one = TensorParallelism.$maxWorkers.withValue(1) { Self.run(c, input, weight, bias, .portable) }
            let two = TensorParallelism.$maxWorkers.withValue(2) { Self.run(c, input, weight, bias, .portable) }
            #expect(one.data.map(\.bitPattern) == two.data.map(\.bitPattern), "\(c)")
        }
    }

    /// An empty batch and a layer without input channels (only biases) take the reference loop.
    @Test func emptyShapes() {
        let g = Conv2DGeometry(kernelSize: 5, stride: 2, padding: 2)
        let bias = Tensor(shape: [3], data: [1, -2, 0.5])
        let none = Tensor.convTranspose2d(
            Tensor(shape: [0, 2, 4, 4]), weight: Tensor(shape: [2, 3, 5, 5]), bias: bias, geometry: g,
            outputPaddingH: 1, outputPaddingW: 1, path: .portable)
        #expect(none.shape == [0, 3, 8, 8])
        let biasOnly = Tensor.convTranspose2d(
            Tensor(shape: [1, 0, 2, 2]), weight: Tensor(shape: [0, 3, 5, 5]), bias: bias, geometry: g,
            outputPaddingH: 1, outputPaddingW: 1, path: .portable)
        #expect(
            biasOnly.data == [Float](repeating: 1, count: 16) + [Float](repeating: -2, count: 16)
                + [Float](
                    repeating: 0.5, count: 16))
    }
}
