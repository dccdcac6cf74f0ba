import CaecCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A line chart as a standalone SVG document: several series on the same axes, ticks, labels and a legend.
package struct SVGPlot: Sendable {
    package struct Series: Sendable {
        package var name: String
        /// Points in drawing order (sort them by x for a curve).
        package var points: [(x: Double, y: Double)]
        /// Draw a dashed line (for derived series such as JPEG scan-only).
        package var dashed: Bool

        package init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
        }
    }

    package var title: String
    package var xLabel: String
    package var yLabel: String
    /// Logarithmic x axis (base 10); points with x <= 0 are then left out.
    package var logX: Bool
    package var series: [Series]

    package init(title: String, xLabel: String, yLabel: String, logX: Bool = false, series: [Series] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logX = logX
        self.series = series
    }

    static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ]

    /// The SVG text, `width` x `height` user units.
    package func render(width: Int = 760, height: Int = 500) -> String {
        let (left, right, top, bottom) = (70.0, 20.0, 40.0, 55.0)
        let plotW = Double(width) - left - right
        let plotH = Double(height) - top - bottom
        let usable = series.map { s in
            Series(
                name: s.name,
                points: s.points.filter { $0.x.isFinite && $0.y.isFinite && (!logX || $0.x > 0) },
                dashed: s.dashed)
        }
        let xs = usable.flatMap { $0.points.map { logX ? log10($0.x) : $0.x } }
        let ys = usable.flatMap { $0.points.map(\.y) }
        var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
        var (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        if x1 - x0 < 1e-12 { (x0, x1) = (x0 - 0.5, x1 + 0.5) }
        if y1 - y0 < 1e-12 { (y0, y1) = (y0 - 0.5, y1 + 0.5) }
        let yTicks = Self.niceTicks(y0, y1)
        (y0, y1) = (min(y0, yTicks.first!), max(y1, yTicks.last!))
        let xTicks: [Double]
        if logX {
            xTicks = Self.logTicks(x0, x1)
            let pad = (x1 - x0) * 0.03
            (x0, x1) = (x0 - pad, x1 + pad)
        } else {
            xTicks = Self.niceTicks(x0, x1)
            (x0, x1) = (min(x0, xTicks.first!), max(x1, xTicks.last!))
        }
        func px(_ x: Double) -> Double { left + ((logX ? log10(x) : x) - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * plotH }
        func n(_ v: Double) -> String { NumberFormat.fixed(v, 2) }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(n(left + plotW / 2))" y="22" text-anchor="middle" font-size="15">\(Self.escape(title))</text>

            """
        for tick in xTicks {
            let x = logX ? pow(10, tick) : tick
            let p = px(x)
            guard p >= left - 0.5 && p <= left + plotW + 0.5 else { continue }
            svg +=
                "<line x1=\"\(n(p))\" y1=\"\(n(top))\" x2=\"\(n(p))\" y2=\"\(n(top + plotH))\" stroke=\"#e4e4e4\"/>\n"
            svg += "<text x=\"\(n(p))\" y=\"\(n(top + plotH + 16))\" text-anchor=\"middle\">\(Self.label(x))</text>\n"
        }
        for tick in yTicks {
            let p = py(tick)
            svg +=
                "<line x1=\"\(n(left))\" y1=\"\(n(p))\" x2=\"\(n(left + plotW))\" y2=\"\(n(p))\" stroke=\"#e4e4e4\"/>\n"
            svg += "<text x=\"\(n(left - 6))\" y=\"\(n(p + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        svg += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\" "
        svg += "fill=\"none\" stroke=\"#333\"/>\n"
        svg += "<text x=\"\(n(left + plotW / 2))\" y=\"\(height - 12)\" text-anchor=\"middle\">"
        svg += Self.escape(xLabel + (logX ? " (log scale)" : "")) + "</text>\n"
        svg += "<text x=\"16\" y=\"\(n(top + plotH / 2))\" text-anchor=\"middle\" "
        svg += "transform=\"rotate(-90 16 \(n(top + plotH / 2)))\">\(Self.escape(yLabel))</text>\n"
        for (i, s) in usable.enumerated() {
            let colour = Self.palette[i % Self.palette.count]
            let dash = s.dashed ? " stroke-dasharray=\"6 4\"" : ""
            let path = s.points.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\"\(dash)/>\n"
            for point in s.points {
                svg += "<circle cx=\"\(n(px(point.x)))\" cy=\"\(n(py(point.y)))\" r=\"2.5\" fill=\"\(colour)\"/>\n"
            }
            let ly = top + 14 + Double(i) * 16
            svg += "<line x1=\"\(n(left + 10))\" y1=\"\(n(ly - 4))\" x2=\"\(n(left + 34))\" y2=\"\(n(ly - 4))\" "
            svg += "stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>\n"
            svg += "<text x=\"\(n(left + 40))\" y=\"\(n(ly))\">\(Self.escape(s.name))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// Ticks at 1, 2 or 5 times a power of ten, about five of them, covering `[low, high]`.
    package static func niceTicks(_ low: Double, _ high: Double) -> [Double] {
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = floor(low / step)
        let last = ceil(high / step)
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Exponents (log10 of the values) of 1, 2 and 5 times powers of ten inside `[low, high]` (log10 units);
    /// at least the two ends when no such value falls inside.
    package static func logTicks(_ low: Double, _ high: Double) -> [Double] {
        var ticks: [Double] = []
        for decade in Int(floor(low))...Int(ceil(high)) {
            for m in [1.0, 2, 5] {
                let t = Double(decade) + log10(m)
                if t >= low - 1e-9 && t <= high + 1e-9 { ticks.append(t) }
            }
        }
        return ticks.count >= 2 ? ticks : [low, high]
    }

    static func label(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        var digits = magnitude >= 10 ? 0 : magnitude >= 1 ? 1 : magnitude >= 0.1 ? 2 : 3
        var text = NumberFormat.fixed(value, digits)
        while digits > 0 && text.hasSuffix("0") {
            text.removeLast()
            digits -= 1
        }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }
}
