/// Compares two float arrays: every element within `maxAbs`, and the normalised mean squared error
/// `sum((a-b)^2) / max(sum(b^2), tiny)` within `nmse`. Returns a description of the first failure, or nil.
public func closeness(_ actual: [Float], _ expected: [Float], maxAbs: Float, nmse: Float = .infinity) -> String? {
    guard actual.count == expected.count else {
        return "count \(actual.count) != expected \(expected.count)"
    }
    var errorSquares: Double = 0
    var signal: Double = 0
    var worst: (index: Int, diff: Float) = (-1, 0)
    for i in actual.indices {
        let diff = abs(actual[i] - expected[i])
        if !(diff <= maxAbs) && (worst.index < 0 || !(diff <= worst.diff)) { worst = (i, diff) }
        errorSquares += Double(diff) * Double(diff)
        signal += Double(expected[i]) * Double(expected[i])
    }
    if worst.index >= 0 {
        return
            "element \(worst.index): \(actual[worst.index]) vs \(expected[worst.index]) (|diff| \(worst.diff) > \(maxAbs))"
    }
    let ratio = errorSquares / max(signal, 1e-30)
    if ratio > Double(nmse) { return "nmse \(ratio) > \(nmse)" }
    return nil
}
