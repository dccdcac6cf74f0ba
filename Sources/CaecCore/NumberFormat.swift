/// Decimal text for numbers in reports and CSV files, without Foundation and identical on every machine.
package enum NumberFormat {
    /// `value` rounded to `digits` decimals (half away from zero), like `%.Nf`; "inf", "-inf", "nan" otherwise.
    package static func fixed(_ value: Double, _ digits: Int) -> String {
        precondition((0...12).contains(digits), "NumberFormat: digits must be in 0...12")
        guard value.isFinite else { return value.isNaN ? "nan" : value > 0 ? "inf" : "-inf" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return "\(value)" }
        let units = Int64(scaled)
        let whole = units / Int64(scale)
        let fraction = units % Int64(scale)
        var text = "\(whole)"
        if digits > 0 {
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return (value < 0 && units != 0 ? "-" : "") + text
    }

    /// The shortest decimal that reads back as `value`, without a fraction for whole numbers: `9` (not `9.0`), `4.5`,
    /// `4.3`, `0.001`. For a value the user typed, such as a quality, echoed in a message as they would write it.
    package static func shortest(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 0x1p53 {
            return value == 0 ? "0" : String(Int64(value))
        }
        return value.isFinite ? "\(value)" : value.isNaN ? "nan" : value > 0 ? "inf" : "-inf"
    }

    /// Parses what `fixed` writes (and any decimal `Double` text).
    package static func parse(_ text: Substring) -> Double? {
        switch text {
        case "inf": .infinity
        case "-inf": -.infinity
        case "nan": .nan
        default: Double(text)
        }
    }
}
