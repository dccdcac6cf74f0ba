extension GDNLayer {
    /// The effective value of a stored (reparametrised) GDN value: `max(stored, sqrt(minimum + pedestal))^2 -
    /// pedestal`, as `effective(_:)` computes it (minimum `betaMinimum` for beta, 0 for gamma).
    package static func effectiveValue(stored: Float, minimum: Float) -> Float {
        let bound = (minimum + pedestal).squareRoot()
        let b = max(stored, bound)
        return b * b - pedestal
    }

    /// The stored value whose effective value is `effective`: `sqrt(max(effective, minimum) + pedestal)`, computed
    /// in Double. Interchange files (Spec/safetensors.md §4) hold effective values; this maps them back. Exact up
    /// to rounding, except that an effective value below `minimum` (which the reparametrisation cannot produce)
    /// becomes `minimum`.
    package static func storedValue(effective: Float, minimum: Float) -> Float {
        Float((max(Double(effective), Double(minimum)) + Double(pedestal)).squareRoot())
    }
}
