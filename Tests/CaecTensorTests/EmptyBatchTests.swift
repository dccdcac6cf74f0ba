import CaecTensor
import Testing

/// A batch of zero samples is legal everywhere (an empty last batch): every kernel returns empty results.
@Suite struct EmptyBatchTests {
    @Test(arguments: KernelPath.allCases)
    func everyKernelAcceptsAnEmptyBatch(path: KernelPath) {
        let x = Tensor(shape: [0, 3, 8, 8])
        let g = Conv2DGeometry(kernelSize: 5, stride: 2, padding: 2)
        let w = Tensor(shape: [4, 3, 5, 5])
        let y = Tensor.conv2d(x, weight: w, bias: Tensor(shape: [4]), geometry: g, path: path)
        #expect(y.shape == [0, 4, 4, 4])
        let convGradients = Tensor.conv2dBackward(y, input: x, weight: w, geometry: g, path: path)
        #expect(convGradients.dWeight == Tensor(shape: [4, 3, 5, 5]))
        let up = Tensor.convTranspose2d(
            y, weight: Tensor(shape: [4, 3, 5, 5]), bias: nil, geometry: g, outputPaddingH: 1, outputPaddingW: 1,
            path: path)
        #expect(up.shape == [0, 3, 8, 8])
        let upGradients = Tensor.convTranspose2dBackward(
            up, input: y, weight: Tensor(shape: [4, 3, 5, 5]), geometry: g, path: path)
        #expect(upGradients.dBias == Tensor(shape: [3]))
        let pooled = Tensor.maxPool2d(x, geometry: Conv2DGeometry(kernelSize: 2, stride: 2), path: path)
        #expect(pooled.output.shape == [0, 3, 4, 4])
        #expect(
            Tensor.maxPool2dBackward(pooled.output, argmax: pooled.argmax, inputShape: x.shape, path: path).shape
                == x.shape)
        #expect(Tensor.avgPool2d(x, geometry: g, path: path).shape == [0, 3, 4, 4])
        #expect(Tensor.globalAvgPool2d(x, path: path).shape == [0, 3, 1, 1])
        #expect(Tensor.upsampleNearest(x, factor: 2, path: path).shape == [0, 3, 16, 16])
        #expect(Tensor.upsampleNearestBackward(x, factor: 2, path: path).shape == [0, 3, 4, 4])
        let beta = Tensor(shape: [3], repeating: 1)
        let gamma = Tensor(shape: [3, 3])
        #expect(Tensor.gdn(x, beta: beta, gamma: gamma, path: path).shape == x.shape)
        #expect(Tensor.gdnBackward(x, input: x, beta: beta, gamma: gamma, path: path).dGamma == gamma)
        #expect(Tensor.relu(x, path: path).shape == x.shape)
        #expect(Tensor.sigmoid(x, path: path).shape == x.shape)
        let features = Tensor(shape: [0, 6])
        let linear = Tensor.linear(features, weight: Tensor(shape: [2, 6]), bias: nil, path: path)
        #expect(linear.shape == [0, 2])
        #expect(
            Tensor.linearBackward(linear, input: features, weight: Tensor(shape: [2, 6]), path: path).dWeight.count
                == 12)
        #expect(Tensor.meanSquaredError(x, target: x, path: path).loss == 0)
        #expect(Tensor.softmaxCrossEntropy(Tensor(shape: [0, 10]), labels: [], path: path).loss == 0)
    }
}
