import CaecModel

/// An optimiser updates a flat parameter array from a flat gradient array of the same layout, skipping floats whose
/// mask is 0 (buffers). Adam scales each float's step by its mask value (1 for a plain trainable mask, so that
/// `--lr-scale` can speed up one group). State lives outside the model, in the same layout.
package protocol Optimizer: Sendable {
    /// Applies one step at learning rate `learningRate`.
    mutating func step(values: inout [Float], gradients: [Float], mask: [Float], learningRate: Float)
    /// The optimiser's state as named flat arrays (for checkpoints), and its step count.
    var state: (step: Int, arrays: [String: [Float]]) { get }
    mutating func restore(step: Int, arrays: [String: [Float]]) -> Bool
}

/// `Adam` lives in CaecModel (the encoder's latent search uses it too); here it is one of the optimisers.
extension Adam: Optimizer {}

/// SGD with momentum (PyTorch's convention: `b = mu b + g + wd p`, `p -= lr b`; Nesterov uses `g + mu b`). A mask
/// value `k` other than 1 scales the float's rate by `k` and its weight decay by `1 / k`, so that the decay's pull
/// `lr wd p` stays that of the other parameters (airbench's "bias scaler"); `k = 0` leaves the float as it is.
package struct SGD: Optimizer {
    package var momentum: Float
    package var weightDecay: Float
    package var nesterov: Bool
    private var t = 0
    private var velocity: [Float]

    package init(count: Int, momentum: Float = 0.9, weightDecay: Float = 0, nesterov: Bool = false) {
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        velocity = [Float](repeating: 0, count: count)
    }

    package mutating func step(values: inout [Float], gradients: [Float], mask: [Float], learningRate: Float) {
        precondition(values.count == velocity.count && gradients.count == velocity.count, "SGD: layout")
        t += 1
        let (mu, decay, nesterov) = (momentum, weightDecay, nesterov)
        values.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in
                mask.withUnsafeBufferPointer { k in
                    velocity.withUnsafeMutableBufferPointer { b in
                        for i in 0..<p.count where k[i] != 0 {
                            let gradient = g[i] + decay / k[i] * p[i]
                            b[i] = mu * b[i] + gradient
                            p[i] -= learningRate * k[i] * (nesterov ? gradient + mu * b[i] : b[i])
                        }
                    }
                }
            }
        }
    }

    package var state: (step: Int, arrays: [String: [Float]]) { (t, ["sgd.velocity": velocity]) }

    package mutating func restore(step: Int, arrays: [String: [Float]]) -> Bool {
        guard let velocity = arrays["sgd.velocity"], velocity.count == self.velocity.count else { return false }
        t = step
        self.velocity = velocity
        return true
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
