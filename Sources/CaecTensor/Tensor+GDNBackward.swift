import CCaecKernels

/// Gradients of GDN / inverse GDN.
package struct GDNGradients: Sendable, Equatable {
    /// dL/dInput, (N, C, H, W).
    package var dInput: Tensor
    /// dL/dBeta, (C).
    package var dBeta: Tensor
    /// dL/dGamma, (C, C).
    package var dGamma: Tensor
}

extension Tensor {
    /// Backward of `gdn`. With `y = x * s^e` (e = -1/2 for GDN, +1/2 for inverse GDN) and
    /// `v[i] = gradOutput[i] * e * x[i] * s[i]^(e - 1)` per pixel:
    /// `dInput[k] = gradOutput[k] * s[k]^e + 2 * x[k] * sum_i gamma[i, k] * v[i]`,
    /// `dBeta[i] = sum_pixels v[i]`, `dGamma[i, j] = sum_pixels v[i] * x[j]^2`.
    /// gradOutput and input are (N, C, H, W); `s` is recomputed from input, beta and gamma.
    package static func gdnBackward(
        _ gradOutput: Tensor, input: Tensor, beta: Tensor, gamma: Tensor, inverse: Bool = false,
        path: KernelPath = .fast
    ) -> GDNGradients {
        let (N, C, H, W) = input.nchw
        precondition(gradOutput.shape == input.shape, "gdnBackward: gradOutput must be \(input.shape)")
        precondition(
            beta.shape == [C] && gamma.shape == [C, C], "gdnBackward: beta must be (\(C)), gamma (\(C), \(C))")
        let P = H * W
        var gradients = GDNGradients(
            dInput: Tensor(shape: input.shape), dBeta: Tensor(shape: [C]), dGamma: Tensor(shape: [C, C]))
        let e: Float = inverse ? 0.5 : -0.5
        switch path {
        case .reference, .portable:
            var s = [Float](repeating: 0, count: C)
            var v = [Float](repeating: 0, count: C)
            for n in 0..<N {
                for p in 0..<P {
                    func x(_ c: Int) -> Float { input.data[(n * C + c) * P + p] }
                    for i in 0..<C {
                        s[i] = beta.data[i]
                        for j in 0..<C { s[i] += gamma.data[i * C + j] * x(j) * x(j) }
                    }
                    for i in 0..<C {
                        let root = s[i].squareRoot()
                        let power = inverse ? root : 1 / root
                        v[i] = gradOutput.data[(n * C + i) * P + p] * e * x(i) * power / s[i]
                        gradients.dBeta.data[i] += v[i]
                        for j in 0..<C { gradients.dGamma.data[i * C + j] += v[i] * x(j) * x(j) }
                    }
                    for k in 0..<C {
                        var mixed: Float = 0
                        for i in 0..<C { mixed += gamma.data[i * C + k] * v[i] }
                        let root = s[k].squareRoot()
                        let power = inverse ? root : 1 / root
                        gradients.dInput.data[(n * C + k) * P + p] =
                            gradOutput.data[(n * C + k) * P + p] * power + 2 * x(k) * mixed
                    }
                }
            }
        case .fast:
            let partials = gdnFast(
                input, beta: beta, gamma: gamma, inverse: inverse, output: &gradients.dInput.data,
                gradOutput: gradOutput)
            // partials is (items, C + C * C): dBeta then dGamma of each item, reduced in item order.
            let items = partials.count / (C + C * C)
            var dBeta = [Float](repeating: 0, count: C)
            var dGamma = [Float](repeating: 0, count: C * C)
            for item in 0..<items {
                let base = item * (C + C * C)
                for i in 0..<C { dBeta[i] += partials[base + i] }
                for i in 0..<C * C { dGamma[i] += partials[base + C + i] }
            }
            gradients.dBeta.data = dBeta
            gradients.dGamma.data = dGamma
        }
        return gradients
    }
}
