extension GDNLayer {
    /// The effective value of a stored (reparametrised) GDN value: `max(stored, sqrt(minimum + pedestal))^2 -
    /// pedestal`, as `effective(_:)` computes it (minimum `betaMinimum` for beta, 0 for gamma).
    package static func effectiveValue(stored: Float, minimum: Float) -> Float {
        let bound = (minimum + pedestal).squareRoot()
        let b = max(stored, bound)
        return b * b - pedestal
    }

    /// The stored value whose effective value is `effective`: `sqrt(max(effective, minimum) + pedestal)`, computed
    /// in Double, or the nearest binary32 within 4 ulps of it whose `effectiveValue` is exactly `effective` when
    /// that one is not, so that effective -> stored -> effective is the identity for every value the
    /// reparametrisation produces (an export then import of caec's own weights computes bit for bit as before).
    /// Interchange files (Spec/safetensors.md §4) hold effective values; this maps them back. An effective value
    /// below `minimum` (which the reparametrisation cannot produce) becomes `minimum`.
    package static func storedValue(effective: Float, minimum: Float) -> Float {
        let estimate = Float((max(Double(effective), Double(minimum)) + Double(pedestal)).squareRoot())
        if effectiveValue(stored: estimate, minimum: minimum) == effective { return estimate }
        var (up, down) = (estimate, estimate)
        for _ in 0..<4 {
            (up, down) = (up.nextUp, down.nextDown)
            if effectiveValue(stored: up, minimum: minimum) == effective { return up }
            if effectiveValue(stored: down, minimum: minimum) == effective { return down }
        }
        return estimate
    }
}
