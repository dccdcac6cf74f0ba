import CaecTensor

/// Generalized divisive normalization (Ballé et al. 2016) as a layer, or its inverse (IGDN) for synthesis
/// transforms: `y[i] = x[i] / sqrt(beta[i] + sum_j gamma[i, j] x[j]^2)` (GDN), `y[i] = x[i] * sqrt(...)` (IGDN).
///
/// Reparametrisation (as CompressAI's `NonNegativeParametrizer`): the stored values `b`, `g` (keys `<key>.beta`,
/// `<key>.gamma`) map to the effective ones by `beta = max(b, sqrt(betaMin + pedestal))^2 - pedestal` and
/// `gamma = max(g, sqrt(pedestal))^2 - pedestal`, with `pedestal = 2^-36` and `betaMin = 1e-6`. Squaring keeps
/// both non-negative, the lower bound keeps `beta >= betaMin` (no division by zero) and gives small values a
/// usable gradient. The bound's gradient follows CompressAI's `LowerBound`: it passes where the stored value is
/// at or above the bound, or where the update would raise it. Initialisation: effective `beta = 1`,
/// `gamma = 0.1 I`.
package struct GDNLayer: Layer {
    package let key: String
    package let channels: Int
    package let inverse: Bool
    package let path: KernelPath

    package static let pedestal: Float = 1.0 / Float(1 << 18) / Float(1 << 18)
    package static let betaMinimum: Float = 1e-6

    package init(_ key: String, channels: Int, inverse: Bool = false, path: KernelPath = .fast) {
        self.key = key
        self.channels = channels
        self.inverse = inverse
        self.path = path
    }

    package var parameterSpecs: [ParameterSpec] {
        let pedestal = Self.pedestal
        return [
            ParameterSpec("\(key).beta", shape: [channels], initializer: .constant((1 + pedestal).squareRoot())),
            ParameterSpec(
                "\(key).gamma", shape: [channels, channels],
                initializer: .identity(diagonal: (0.1 + pedestal).squareRoot(), offDiagonal: pedestal.squareRoot())),
        ]
    }

    private static var betaBound: Float { (betaMinimum + pedestal).squareRoot() }
    private static var gammaBound: Float { pedestal.squareRoot() }

    /// Effective (beta, gamma) from the stored values.
    package func effective(_ parameters: Parameters) -> (beta: Tensor, gamma: Tensor) {
        var beta = parameters.tensor("\(key).beta")
        var gamma = parameters.tensor("\(key).gamma")
        let (betaBound, gammaBound, pedestal) = (Self.betaBound, Self.gammaBound, Self.pedestal)
        for i in beta.data.indices {
            let b = max(beta.data[i], betaBound)
            beta.data[i] = b * b - pedestal
        }
        for i in gamma.data.indices {
            let g = max(gamma.data[i], gammaBound)
            gamma.data[i] = g * g - pedestal
        }
        return (beta, gamma)
    }

    package func forward(_ input: Tensor, _ parameters: Parameters) -> Tensor {
        let (beta, gamma) = effective(parameters)
        return Tensor.gdn(input, beta: beta, gamma: gamma, inverse: inverse, path: path)
    }

    package func forwardTraining(_ input: Tensor, _ parameters: inout Parameters) -> (
        output: Tensor, pullback: Pullback
    ) {
        let (beta, gamma) = effective(parameters)
        let output = Tensor.gdn(input, beta: beta, gamma: gamma, inverse: inverse, path: path)
        let storedBeta = parameters.tensor("\(key).beta")
        let storedGamma = parameters.tensor("\(key).gamma")
        let betaOffset = parameters.offset(of: "\(key).beta")
        let gammaOffset = parameters.offset(of: "\(key).gamma")
        let (inverse, path) = (inverse, path)
        return (
            output,
            { gradOutput, gradients in
                let g = Tensor.gdnBackward(
                    gradOutput, input: input, beta: beta, gamma: gamma, inverse: inverse, path: path)
                accumulate(
                    Self.storedGradient(g.dBeta, stored: storedBeta, bound: Self.betaBound), into: &gradients,
                    at: betaOffset)
                accumulate(
                    Self.storedGradient(g.dGamma, stored: storedGamma, bound: Self.gammaBound), into: &gradients,
                    at: gammaOffset)
                return g.dInput
            }
        )
    }

    /// dL/dStored from dL/dEffective through `effective = max(stored, bound)^2 - pedestal`, with `LowerBound`'s
    /// pass-through rule below the bound (the gradient passes when it would increase the stored value).
    package static func storedGradient(_ dEffective: Tensor, stored: Tensor, bound: Float) -> Tensor {
        var result = dEffective
        for i in result.data.indices {
            let s = stored.data[i]
            let dBounded = 2 * max(s, bound) * dEffective.data[i]
            result.data[i] = (s >= bound || dBounded < 0) ? dBounded : 0
        }
        return result
    }
}
