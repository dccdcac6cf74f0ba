import CaecCore
import CaecModel
import Testing

/// The SGA relaxation of the latent refinement (Yang et al. 2020): samples between floor and floor + 1, and the
/// derivative the search follows equals the sample's finite difference.
@Suite struct RefinementTests {
    @Test func relaxationDerivativeMatchesFiniteDifferences() {
        let values: [Float] = [0.1, 0.37, 0.5, 0.83, -1.62, 2.05, 3.9, -0.45]
        for tau: Float in [0.5, 0.2] {
            var random = SplitMix64(seed: 9)
            let (sample, derivative) = LatentSearch.gumbelRelaxation(values, tau: tau, random: &random)
            for (i, value) in values.enumerated() {
                #expect(sample[i] >= value.rounded(.down) && sample[i] <= value.rounded(.down) + 1)
                let h: Float = 1e-3
                var up = SplitMix64(seed: 9)
                var down = SplitMix64(seed: 9)
                var plus = values
                var minus = values
                plus[i] += h
                minus[i] -= h
                let a = LatentSearch.gumbelRelaxation(plus, tau: tau, random: &up).0[i]
                let b = LatentSearch.gumbelRelaxation(minus, tau: tau, random: &down).0[i]
                let numeric = (a - b) / (2 * h)
                #expect(abs(numeric - derivative[i]) <= 0.02 * max(1, abs(numeric)), "value \(value), tau \(tau)")
            }
        }
    }
}
