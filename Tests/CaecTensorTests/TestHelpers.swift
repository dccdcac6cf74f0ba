import CaecTensor
import CaecTestSupport
import Testing

/// A tensor of `shape` with seeded uniform elements in `range`.
func randomTensor(_ shape: [Int], _ random: inout SeededRandom, in range: Range<Float> = -1..<1) -> Tensor {
    Tensor(shape: shape, data: random.floats(shape.reduce(1, *), in: range))
}

/// Largest absolute element (at least `floor`), used to scale tolerances.
func magnitude(_ values: [Float], floor: Float = 1) -> Float {
    values.reduce(floor) { max($0, abs($1)) }
}

/// Central finite differences of `L(inputs) = sum(weights * forward(inputs))`, accumulated in Float64, for every
/// element of `inputs[which]`. `forward` should be the reference path.
func numericGradient(
    of forward: ([Tensor]) -> Tensor, at inputs: [Tensor], which: Int, weights: Tensor, step: Float = 1e-2
) -> [Float] {
    func loss(_ perturbed: [Tensor]) -> Double {
        let output = forward(perturbed)
        precondition(output.shape == weights.shape)
        var total: Double = 0
        for i in 0..<output.count { total += Double(output.data[i]) * Double(weights.data[i]) }
        return total
    }
    var perturbed = inputs
    var gradient = [Float](repeating: 0, count: inputs[which].count)
    for i in 0..<gradient.count {
        let original = inputs[which].data[i]
        perturbed[which].data[i] = original + step
        let plus = loss(perturbed)
        perturbed[which].data[i] = original - step
        let minus = loss(perturbed)
        perturbed[which].data[i] = original
        gradient[i] = Float((plus - minus) / (2 * Double(step)))
    }
    return gradient
}

/// Checks an analytic gradient against central differences: every element within
/// `relative * max(1, max|analytic|)`.
func expectGradient(
    _ analytic: Tensor, of forward: ([Tensor]) -> Tensor, at inputs: [Tensor], which: Int, weights: Tensor,
    step: Float = 1e-2, relative: Float = 2e-3, sourceLocation: SourceLocation = #_sourceLocation
) {
    let numeric = numericGradient(of: forward, at: inputs, which: which, weights: weights, step: step)
    #expect(analytic.shape == inputs[which].shape, sourceLocation: sourceLocation)
    expectClose(
        analytic.data, numeric, maxAbs: relative * magnitude(numeric), sourceLocation: sourceLocation)
}

/// A tensor of `shape` whose elements are distinct multiples of `spacing`, shuffled, centred on zero: finite
/// differences with a step below `spacing / 2` never cross a kink of max-pooling or ReLU.
func distinctTensor(_ shape: [Int], _ random: inout SeededRandom, spacing: Float = 0.05) -> Tensor {
    let count = shape.reduce(1, *)
    var values = (0..<count).map { (Float($0) - Float(count) / 2 + 0.5) * spacing }
    values.shuffle(using: &random)
    return Tensor(shape: shape, data: values)
}

/// Wraps a scalar loss as a one-element tensor so that `expectGradient` can check it.
func scalar(_ value: Float) -> Tensor { Tensor(shape: [1], data: [value]) }
