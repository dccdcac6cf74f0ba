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
