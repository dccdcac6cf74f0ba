import CaecTensor
import CaecTestSupport
import Testing

@Suite struct ElementwiseTests {
    @Test func addScaleMultiply() {
        var random = SeededRandom(seed: 1000)
        let a = randomTensor([2, 3, 5], &random)
        let b = randomTensor([2, 3, 5], &random)
        for path in KernelPath.allCases {
            #expect(Tensor.add(a, b, path: path).data == zip(a.data, b.data).map { $0 + $1 })
            #expect(Tensor.addScaled(a, b, scale: -0.5, path: path).data == zip(a.data, b.data).map { $0 + -0.5 * $1 })
            #expect(Tensor.scale(a, by: 3, path: path).data == a.data.map { $0 * 3 })
            #expect(Tensor.multiply(a, b, path: path).data == zip(a.data, b.data).map { $0 * $1 })
        }
        var accumulated = a
        accumulated.addInPlace(b)
        #expect(accumulated == Tensor.add(a, b))
    }

    @Test func relu() {
        var random = SeededRandom(seed: 1100)
        let x = distinctTensor([2, 3, 4, 5], &random)
        let y = Tensor.relu(x, path: .reference)
        #expect(Tensor.relu(x, path: .fast) == y)
        #expect(y.data == x.data.map { max($0, 0) })
        let dy = randomTensor(x.shape, &random)
        let dx = Tensor.reluBackward(dy, input: x, path: .fast)
        #expect(dx == Tensor.reluBackward(dy, input: x, path: .reference))
        let forward = { (t: [Tensor]) in Tensor.relu(t[0], path: .reference) }
        expectGradient(dx, of: forward, at: [x], which: 0, weights: dy, step: 1e-3)
    }

    @Test func sigmoid() {
        var random = SeededRandom(seed: 1200)
        let x = randomTensor([3, 7], &random, in: -6..<6)
        let y = Tensor.sigmoid(x, path: .reference)
        // expf against exp in Float64: a few ulps.
        expectClose(Tensor.sigmoid(x, path: .fast).data, y.data, maxAbs: 1e-6)
        let dy = randomTensor(x.shape, &random)
        let dx = Tensor.sigmoidBackward(dy, output: y, path: .fast)
        #expect(dx == Tensor.sigmoidBackward(dy, output: y, path: .reference))
        let forward = { (t: [Tensor]) in Tensor.sigmoid(t[0], path: .reference) }
        expectGradient(dx, of: forward, at: [x], which: 0, weights: dy)
    }

    @Test func gelu() {
        var random = SeededRandom(seed: 1250)
        let x = randomTensor([2, 3, 5, 7], &random, in: -5..<5)
        let y = Tensor.gelu(x, path: .reference)
        // erff and expf against erf and exp in Float64: a few ulps.
        expectClose(Tensor.gelu(x, path: .fast).data, y.data, maxAbs: 2e-6)
        // x Phi(x) at 1 and -1: Phi(1) = 0.841344746.
        let known = Tensor.gelu(Tensor(shape: [3], data: [1, -1, 0]), path: .fast).data
        expectClose(known, [0.841_344_7, -0.158_655_25, 0], maxAbs: 1e-6)
        let dy = randomTensor(x.shape, &random)
        let dx = Tensor.geluBackward(dy, input: x, path: .reference)
        expectClose(Tensor.geluBackward(dy, input: x, path: .fast).data, dx.data, maxAbs: 2e-6)
        let forward = { (t: [Tensor]) in Tensor.gelu(t[0], path: .reference) }
        expectGradient(dx, of: forward, at: [x], which: 0, weights: dy)
    }

    @Test(arguments: [[4, 7], [3, 2, 3, 2], [1, 1]])
    func linear(inputShape: [Int]) {
        var random = SeededRandom(seed: 1300 + UInt64(inputShape.count))
        let features = inputShape.dropFirst().reduce(1, *)
        let inputs = [
            randomTensor(inputShape, &random), randomTensor([5, features], &random), randomTensor([5], &random),
        ]
        let reference = Tensor.linear(inputs[0], weight: inputs[1], bias: inputs[2], path: .reference)
        #expect(reference.shape == [inputShape[0], 5])
        // Sums of IN products of values in [-1, 1].
        let tolerance = 1e-6 * Float(features + 1)
        expectClose(
            Tensor.linear(inputs[0], weight: inputs[1], bias: inputs[2], path: .fast).data, reference.data,
            maxAbs: tolerance, nmse: 1e-10)
        let dy = randomTensor(reference.shape, &random)
        let gradients = Tensor.linearBackward(dy, input: inputs[0], weight: inputs[1], path: .fast)
        let gradientsReference = Tensor.linearBackward(dy, input: inputs[0], weight: inputs[1], path: .reference)
        expectClose(gradients.dInput.data, gradientsReference.dInput.data, maxAbs: 1e-6 * 6, nmse: 1e-10)
        expectClose(gradients.dWeight.data, gradientsReference.dWeight.data, maxAbs: 1e-6 * 4, nmse: 1e-10)
        let forward = { (t: [Tensor]) in Tensor.linear(t[0], weight: t[1], bias: t[2], path: .reference) }
        expectGradient(gradients.dInput, of: forward, at: inputs, which: 0, weights: dy)
        expectGradient(gradients.dWeight, of: forward, at: inputs, which: 1, weights: dy)
        expectGradient(gradients.dBias, of: forward, at: inputs, which: 2, weights: dy)
    }

    @Test func softmaxCrossEntropy() {
        var random = SeededRandom(seed: 1400)
        let logits = randomTensor([4, 10], &random, in: -3..<3)
        let labels = [3, 0, 9, 3]
        let reference = Tensor.softmaxCrossEntropy(logits, labels: labels, path: .reference)
        let fast = Tensor.softmaxCrossEntropy(logits, labels: labels, path: .fast)
        #expect(abs(fast.loss - reference.loss) <= 1e-6 * max(1, abs(reference.loss)))
        expectClose(fast.dLogits.data, reference.dLogits.data, maxAbs: 1e-7)
        // Rows of the softmax sum to one; each gradient row sums to zero.
        let probabilities = Tensor.softmax(logits)
        for n in 0..<4 { #expect(abs(probabilities.data[n * 10..<n * 10 + 10].reduce(0, +) - 1) < 1e-6) }
        let forward = { (t: [Tensor]) in scalar(Tensor.softmaxCrossEntropy(t[0], labels: labels, path: .reference).loss)
        }
        expectGradient(fast.dLogits, of: forward, at: [logits], which: 0, weights: scalar(1), step: 1e-2)
        // Uniform logits: loss is log K.
        let uniform = Tensor.softmaxCrossEntropy(Tensor(shape: [2, 10]), labels: [1, 2])
        #expect(abs(uniform.loss - 2.302585) < 1e-5)
    }

    @Test func meanSquaredError() {
        var random = SeededRandom(seed: 1500)
        let prediction = randomTensor([2, 3, 3, 5], &random)
        let target = randomTensor([2, 3, 3, 5], &random)
        let reference = Tensor.meanSquaredError(prediction, target: target, path: .reference)
        let fast = Tensor.meanSquaredError(prediction, target: target, path: .fast)
        #expect(abs(fast.loss - reference.loss) <= 1e-6 * reference.loss)
        #expect(fast.dPrediction == reference.dPrediction)
        let forward = { (t: [Tensor]) in scalar(Tensor.meanSquaredError(t[0], target: target, path: .reference).loss) }
        expectGradient(fast.dPrediction, of: forward, at: [prediction], which: 0, weights: scalar(1))
    }
}
