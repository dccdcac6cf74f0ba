/// A point on a model's quality scale: trained quality `index` (1-based) plus `fraction` / 256 of the way to the
/// next trained quality (Spec/cae-format.md §3.5). Fraction 0 is the trained quality itself.
///
/// Families whose qualities are continuous (`ContinuousQualityCoding`) code any point from 1 to their top quality
/// in steps of 1/256; the others code integer points only.
package struct ModelQuality: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Steps between two trained qualities: the resolution of the header's `quality_fraction` (u8).
    package static let steps = 256

    /// The trained quality at or below this point, 1-based.
    package let index: Int
    /// 0 ..< 256: this point is `index + fraction / 256`.
    package let fraction: Int

    package init(index: Int, fraction: Int = 0) {
        precondition(index >= 0 && (0..<Self.steps).contains(fraction), "ModelQuality: \(index) + \(fraction)/256")
        self.index = index
        self.fraction = fraction
    }

    /// The point `units` / 256.
    package init(units: Int) {
        precondition(units >= 0, "ModelQuality: negative units")
        self.init(index: units / Self.steps, fraction: units % Self.steps)
    }

    /// The point nearest `value` (ties to even), or nil when `value` is not finite or below 0 or above 64.
    package init?(rounding value: Double) {
        guard value.isFinite, value >= 0, value <= 64 else { return nil }
        self.init(units: Int((value * Double(Self.steps)).rounded(.toNearestOrEven)))
    }

    /// This point in 1/256 steps.
    package var units: Int { index * Self.steps + fraction }
    /// This point as a number: exact, since 1/256 is a power of two.
    package var value: Double { Double(index) + Double(fraction) / Double(Self.steps) }
    package var isInteger: Bool { fraction == 0 }

    package static func < (a: ModelQuality, b: ModelQuality) -> Bool { a.units < b.units }

    /// `5`, `4.5`, `4.3`: the shortest decimal that names this point, the one `init(rounding:)` takes back to it
    /// (`4.3` is the point 4 + 77/256 = 4.30078125). Every point has one of at most 3 decimals.
    package var description: String {
        guard fraction != 0 else { return String(index) }
        var scale = 1
        for digits in 1...3 {
            scale *= 10
            // The `digits`-decimal number nearest the point, and the point it rounds to; no ties can occur, since
            // 256 c / 10^d is never an odd multiple of 1/2 for d < 9.
            let numerator = (2 * fraction * scale + Self.steps) / (2 * Self.steps)
            if (2 * numerator * Self.steps + scale) / (2 * scale) == fraction {
                let text = String(numerator)
                return "\(index)." + String(repeating: "0", count: digits - text.count) + text
            }
        }
        preconditionFailure("ModelQuality: no 3-decimal name for \(fraction)/256")
    }
}
