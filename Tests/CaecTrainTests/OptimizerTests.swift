import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

@Suite struct OptimizerTests {
    /// Adam with bias correction, against its closed form after two steps on a single parameter.
    @Test func adamMatchesTheClosedForm() {
        var adam = Adam(count: 1)
        var p: [Float] = [1]
        let (b1, b2, eps, lr): (Double, Double, Double, Double) = (0.9, 0.999, 1e-8, 0.1)
        var (m, v, expected) = (0.0, 0.0, 1.0)
        for (t, g) in [(1, 0.5), (2, -0.25)] {
            adam.step(values: &p, gradients: [Float(g)], mask: [1], learningRate: Float(lr))
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            let mHat = m / (1 - pow(b1, Double(t)))
            let vHat = v / (1 - pow(b2, Double(t)))
            expected -= lr * mHat / (vHat.squareRoot() + eps)
        }
        #expect(abs(Double(p[0]) - expected) < 1e-6, "\(p[0]) vs \(expected)")
    }

    @Test func adamWDecaysDecoupled() {
        var adamw = Adam(count: 1, weightDecay: 0.5)
        var p: [Float] = [2]
        adamw.step(values: &p, gradients: [0], mask: [1], learningRate: 0.1)
        // Zero gradient: only the decoupled decay acts, p -= lr * wd * p.
        #expect(abs(p[0] - 1.9) < 1e-6)
    }

    @Test func maskedEntriesNeverMove() {
        var adam = Adam(count: 2)
        var sgd = SGD(count: 2, momentum: 0.9, weightDecay: 0.1)
        var p: [Float] = [1, 1]
        var q: [Float] = [1, 1]
        for _ in 0..<3 {
            adam.step(values: &p, gradients: [1, 1], mask: [1, 0], learningRate: 0.1)
            sgd.step(values: &q, gradients: [1, 1], mask: [0, 1], learningRate: 0.1)
        }
        #expect(p[1] == 1 && p[0] < 1)
        #expect(q[0] == 1 && q[1] < 1)
    }

    @Test func sgdNesterovMatchesPyTorchConvention() {
        var sgd = SGD(count: 1, momentum: 0.9, weightDecay: 0, nesterov: true)
        var p: [Float] = [1]
        sgd.step(values: &p, gradients: [1], mask: [1], learningRate: 0.1)
        // b = 1; p -= lr * (g + mu * b) = 0.1 * 1.9
        #expect(abs(p[0] - 0.81) < 1e-6)
        sgd.step(values: &p, gradients: [1], mask: [1], learningRate: 0.1)
        // b = 0.9 + 1 = 1.9; p -= 0.1 * (1 + 0.9 * 1.9) = 0.271
        #expect(abs(p[0] - 0.539) < 1e-6)
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.constant.rate(base: 0.1, step: 50, totalSteps: 100) == 0.1)
        #expect(
            abs(LearningRateSchedule.step(every: 10, factor: 0.5).rate(base: 1, step: 25, totalSteps: 100) - 0.25)
                < 1e-7)
        let cosine = LearningRateSchedule.cosine(warmup: 0, floor: 0)
        #expect(abs(cosine.rate(base: 1, step: 0, totalSteps: 100) - 1) < 1e-6)
        #expect(abs(cosine.rate(base: 1, step: 50, totalSteps: 100) - 0.5) < 1e-6)
        #expect(abs(cosine.rate(base: 1, step: 100, totalSteps: 100)) < 1e-6)
        let cycle = LearningRateSchedule.oneCycle(peakFraction: 0.25, divisor: 10, finalDivisor: 100)
        #expect(abs(cycle.rate(base: 1, step: 0, totalSteps: 100) - 0.1) < 1e-6)
        #expect(abs(cycle.rate(base: 1, step: 25, totalSteps: 100) - 1) < 1e-6)
        #expect(abs(cycle.rate(base: 1, step: 100, totalSteps: 100) - 0.01) < 1e-6)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
