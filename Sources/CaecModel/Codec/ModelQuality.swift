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

    /// `5`, or `4.5`, `4.30078125`: the shortest decimal that is exactly this point.
    package var description: String {
        guard fraction != 0 else { return String(index) }
        var digits = ""
        var rest = fraction
        // fraction / 256 has at most 8 decimal digits; each step multiplies the remainder by 10.
        while rest != 0 {
            rest *= 10
            digits.append(Character(String(rest / Self.steps)))
            rest %= Self.steps
        }
        return "\(index).\(digits)"
    }
}
