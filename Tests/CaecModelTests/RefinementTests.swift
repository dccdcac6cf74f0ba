import CaecCore
import CaecModel
import CaecTensor
import Testing

/// The SGA relaxation of the latent refinement (Yang et al. 2020): samples between floor and floor + 1, and the
/// derivative the search follows equals the sample's finite difference.
@Suite struct RefinementTests {
    @Test func relaxationDerivativeMatchesFiniteDifferences() {
        let values: [Float] = [0.1, 0.37, 0.5, 0.83, -1.62, 2.05, 3.9, -0.45]
        for tau: Float in [0.5, 0.2] {
            let (sample, derivative) = LatentSearch.gumbelRelaxation(values, tau: tau, seed: 9)
            for (i, value) in values.enumerated() {
                #expect(sample[i] >= value.rounded(.down) && sample[i] <= value.rounded(.down) + 1)
                let h: Float = 1e-3
                var plus = values
                var minus = values
                plus[i] += h
                minus[i] -= h
                let a = LatentSearch.gumbelRelaxation(plus, tau: tau, seed: 9).0[i]
                let b = LatentSearch.gumbelRelaxation(minus, tau: tau, seed: 9).0[i]
                let numeric = (a - b) / (2 * h)
                #expect(abs(numeric - derivative[i]) <= 0.02 * max(1, abs(numeric)), "value \(value), tau \(tau)")
            }
        }
    }
}

/// The relaxed sample is drawn in fixed blocks, each from its own stream, so the thread count does not change it.
@Suite struct RelaxationThreadingTests {
    @Test func relaxationIsTheSameForOneAndTwoThreads() {
        let count = 2 * TensorParallelism.elementBlock + 123
        let values = (0..<count).map { Float($0 % 997) * 0.013 - 5 }
        let one = TensorParallelism.$maxWorkers.withValue(1) {
            LatentSearch.gumbelRelaxation(values, tau: 0.3, seed: 42)
        }
        let two = TensorParallelism.$maxWorkers.withValue(2) {
            LatentSearch.gumbelRelaxation(values, tau: 0.3, seed: 42)
        }
        #expect(one.0 == two.0 && one.1 == two.1)
        let other = LatentSearch.gumbelRelaxation(values, tau: 0.3, seed: 43)
        #expect(other.0 != one.0)
    }
}

/// The factorized models' search reads the rate's gradient from a table of the density: it matches the exact
/// gradient of the model's likelihoods within a small tolerance inside the table's range.
@Suite struct RateGradientTableTests {
    @Test func tableMatchesTheExactRateGradient() {
        let model = RateDistortionModel(id: "bmshj-f-vr", n: 4, m: 3, lambdas: [0.01, 0.1])
        var parameters = model.initialParameters(seed: 8)
        var unused = [Float](repeating: 0, count: parameters.values.count)
        let latent = Tensor(
            shape: [1, 3, 2, 3], data: [-4, 0.3, 2, 7.5, -1, 0, 3, 3.2, -2.7, 0.1, 12, -6, 1, 1, 1, 0, 0, 0])
        let table = GradientScope.$inputOnly.withValue(true) {
            RateGradientTable(latent: latent) { grid in
                let (p, pullback) = model.bottleneck.likelihoodsTraining(grid, qualities: [1], &parameters)
                return (p, { pullback($0, &unused) })
            }
        }
        // Points between grid nodes, inside each channel's range and its margin.
        var sample = latent
        for i in sample.data.indices { sample.data[i] += Float(i % 5) * 0.37 - 0.61 }
        let pixels = 64
        let tabulated = table.rateGradient(sample, pixels: pixels)
        let (p, pullback) = model.bottleneck.likelihoodsTraining(sample, qualities: [1], &parameters)
        let exact = pullback(RateDistortionModel.rateGradient(p, pixels: pixels), &unused)
        for i in exact.data.indices {
            let tolerance = 0.02 * max(abs(exact.data[i]), 1 / Float(pixels))
            #expect(abs(tabulated.data[i] - exact.data[i]) <= tolerance, "element \(i)")
        }
    }
}
