#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The learning rate as a function of the step (0-based) out of `totalSteps`.
package enum LearningRateSchedule: Sendable, Equatable {
    /// The base rate throughout.
    case constant
    /// Multiply by `factor` every `every` steps.
    case step(every: Int, factor: Float)
    /// Linear warm-up over `warmup` steps, then half a cosine from the base rate down to `floor` times it.
    case cosine(warmup: Int, floor: Float)
    /// One-cycle (Smith 2018): linear from base/`divisor` up to base over `peakFraction` of the steps, then linear
    /// down to base/`finalDivisor`.
    case oneCycle(peakFraction: Float, divisor: Float, finalDivisor: Float)

    package func rate(base: Float, step: Int, totalSteps: Int) -> Float {
        let total = max(totalSteps, 1)
        switch self {
        case .constant:
            return base
        case .step(let every, let factor):
            return base * powf(factor, Float(step / max(every, 1)))
        case .cosine(let warmup, let floor):
            if step < warmup { return base * Float(step + 1) / Float(warmup) }
            let progress = Float(step - warmup) / Float(max(total - warmup, 1))
            let cosine = 0.5 * (1 + cosf(Float.pi * min(progress, 1)))
            return base * (floor + (1 - floor) * cosine)
        case .oneCycle(let peakFraction, let divisor, let finalDivisor):
            let peak = max(1, Int(Float(total) * peakFraction))
            let start = base / divisor
            let end = base / finalDivisor
            if step < peak { return start + (base - start) * Float(step) / Float(peak) }
            let progress = Float(step - peak) / Float(max(total - peak, 1))
            return base + (end - base) * min(progress, 1)
        }
    }
}
