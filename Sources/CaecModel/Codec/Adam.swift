import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Adam (Kingma & Ba 2015) with bias correction, and decoupled weight decay when `weightDecay > 0` (AdamW,
/// Loshchilov & Hutter 2019):
/// `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`, `p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)`,
/// then `p -= lr * weightDecay * p`. Matches PyTorch's `Adam`/`AdamW` (eps outside the square root). Floats whose
/// mask is 0 are skipped; a mask value scales that float's step. Used by training (CaecTrain's `Optimizer`) and by
/// the encoder's latent search (`LatentRefining`).
package struct Adam: Sendable {
    package var beta1: Float
    package var beta2: Float
    package var epsilon: Float
    package var weightDecay: Float
    private var t = 0
    private var m: [Float]
    private var v: [Float]

    package init(count: Int, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        m = [Float](repeating: 0, count: count)
        v = [Float](repeating: 0, count: count)
    }

    package mutating func step(values: inout [Float], gradients: [Float], mask: [Float], learningRate: Float) {
        precondition(values.count == m.count && gradients.count == m.count && mask.count == m.count, "Adam: layout")
        t += 1
        let (b1, b2, eps, decay) = (beta1, beta2, epsilon, weightDecay)
        let correction1 = 1 - powf(b1, Float(t))
        let correction2 = 1 - powf(b2, Float(t))
        let stepSize = learningRate / correction1
        let rootCorrection2 = correction2.squareRoot()
        values.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in
                mask.withUnsafeBufferPointer { k in
                    m.withUnsafeMutableBufferPointer { m in
                        v.withUnsafeMutableBufferPointer { v in
                            // Element-wise, in blocks on the kernels' threads (the same values for any count).
                            TensorParallelism.forEachBlock(p.count) { range in
                                for i in range where k[i] != 0 {
                                    m[i] = b1 * m[i] + (1 - b1) * g[i]
                                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                                    let denominator = v[i].squareRoot() / rootCorrection2 + eps
                                    // k[i] is 1 unless a group's rate is scaled: then the product is exact.
                                    p[i] -= k[i] * (stepSize * m[i] / denominator)
                                    if decay != 0 { p[i] -= learningRate * decay * p[i] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    package var state: (step: Int, arrays: [String: [Float]]) { (t, ["adam.m": m, "adam.v": v]) }

    package mutating func restore(step: Int, arrays: [String: [Float]]) -> Bool {
        guard let m = arrays["adam.m"], let v = arrays["adam.v"], m.count == self.m.count, v.count == self.v.count
        else { return false }
        t = step
        self.m = m
        self.v = v
        return true
    }
}
