import CaecModel

/// The numeric gradient of `loss` at each of `indices` of `parameters.values`: (loss(p + step) - loss(p - step)) /
/// (2 step), the reference the objectives' analytic gradients are checked against.
func centralDifferences(
    _ parameters: Parameters, at indices: [Int], step: Float, loss: (Parameters) -> Double
) -> [Float] {
    indices.map { i in
        var plus = parameters
        var minus = parameters
        plus.values[i] += step
        minus.values[i] -= step
        return Float((loss(plus) - loss(minus)) / (2 * Double(step)))
    }
}
