import CaecTensor
import CaecTestSupport
import Testing

@Suite struct NormalisationTests {
    @Test(arguments: [[2, 3, 4, 5], [4, 2, 1, 1], [1, 3, 3, 2]])
    func batchNormTraining(shape: [Int]) {
        var random = SeededRandom(seed: 2100 + UInt64(shape[0]))
        let C = shape[1]
        let inputs = [
            randomTensor(shape, &random, in: -2..<3), randomTensor([C], &random, in: 0.5..<1.5),
            randomTensor([C], &random),
        ]
        var runningMean = Tensor(shape: [C])
        var runningVariance = Tensor(shape: [C], repeating: 1)
        func forward(_ t: [Tensor], _ path: KernelPath) -> Tensor {
            var (mean, variance) = (runningMean, runningVariance)
            return Tensor.batchNorm2dTraining(
                t[0], scale: t[1], shift: t[2], runningMean: &mean, runningVariance: &variance, path: path
            ).output
        }
        let (output, statistics) = Tensor.batchNorm2dTraining(
            inputs[0], scale: inputs[1], shift: inputs[2], runningMean: &runningMean,
            runningVariance: &runningVariance)
        expectClose(output.data, forward(inputs, .reference).data, maxAbs: 1e-5)
        // Running statistics: momentum 0.1 from (0, 1) towards the batch mean and unbiased variance.
        let M = shape[0] * shape[2] * shape[3]
        for c in 0..<C {
            var values: [Double] = []
            for n in 0..<shape[0] {
                for p in 0..<shape[2] * shape[3] {
                    values.append(Double(inputs[0].data[(n * C + c) * shape[2] * shape[3] + p]))
                }
            }
            let mean = values.reduce(0, +) / Double(M)
            let unbiased = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(M - 1)
            #expect(abs(Double(runningMean.data[c]) - 0.1 * mean) < 1e-6)
            #expect(abs(Double(runningVariance.data[c]) - (0.9 + 0.1 * unbiased)) < 1e-5)
        }
        let dy = randomTensor(shape, &random)
        let gradients = Tensor.batchNorm2dBackward(
            dy, input: inputs[0], scale: inputs[1], statistics: statistics, path: .fast)
        let gradientsReference = Tensor.batchNorm2dBackward(
            dy, input: inputs[0], scale: inputs[1], statistics: statistics, path: .reference)
        #expect(gradients == gradientsReference)
        let referenceForward = { (t: [Tensor]) in forward(t, .reference) }
        expectGradient(gradients.dInput, of: referenceForward, at: inputs, which: 0, weights: dy)
        expectGradient(gradients.dScale, of: referenceForward, at: inputs, which: 1, weights: dy)
        expectGradient(gradients.dShift, of: referenceForward, at: inputs, which: 2, weights: dy)
    }

    @Test func batchNormInference() {
        let x = Tensor(shape: [1, 2, 1, 2], data: [1, 3, 5, 7])
        let y = Tensor.batchNorm2dInference(
            x, scale: Tensor(shape: [2], data: [2, 1]), shift: Tensor(shape: [2], data: [0, 1]),
            runningMean: Tensor(shape: [2], data: [2, 6]), runningVariance: Tensor(shape: [2], data: [4, 1]),
            epsilon: 0)
        #expect(y.data == [-1, 1, 0, 2])
    }
}
