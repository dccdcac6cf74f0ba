import CaecCore

/// The seed paper's Fig. 4 generalised from its autoencoders' rates to every codec of a `caec compare` run: how much
/// of what a classifier (the judge) sees survives compression, against bits per pixel, one curve per series (each caec
/// model, JPEG whole file, JPEG scan only, WebP, AVIF, JPEG XL; whatever the run holds).
///
/// Built from a compare run's per-image results (`CompareSummary`), never by encoding again. Two measures:
/// - `ratio` (the default, the paper's): accuracy on reconstructions / accuracy on the originals, both against the
///   true labels. 1 means the judge is right as often as on the originals; it can pass 1 when compression removes
///   what misled the judge. Needs labels (CIFAR-10).
/// - `agreement`: the share of images whose reconstruction gets the judge's top-1 class on the original (label-free;
///   what compare's rate-agreement plot and its 90% table use).
package struct RateRatioFigure: Sendable {
    /// What the y axis shows.
    package enum Measure: String, CaseIterable, Sendable {
        case ratio
        case agreement
    }

    /// One operating point of one series.
    package struct Point: Sendable, Equatable {
        package var quality: Int
        /// Mean bits per pixel over the images (JPEG scan only for `jpeg-scan`).
        package var bpp: Double
        /// The measure at this point (a fraction, not a percentage).
        package var value: Double
        package var agreement: Double?
        package var accuracy: Double?
        package var ratio: Double?
    }

    /// One codec's curve, points sorted by bpp.
    package struct Curve: Sendable, Equatable {
        package var series: String
        package var points: [Point]
    }

    /// The levels the caption's table reports the rate for.
    package static let levels = [0.9, 0.95]

    /// The classifier id that judged the reconstructions.
    package let judge: String
    package let measure: Measure
    /// Images the judge classified (32x32 ones).
    package let images: Int
    /// The judge's accuracy on the original images; nil without labels.
    package let originalAccuracy: Double?
    /// One curve per series with classified points, in the summary's order (caec models first, then baselines).
    package let curves: [Curve]

    /// - Parameters:
    ///   - summary: the aggregates of a compare run's results.csv.
    ///   - judge: the classifier id that run used (its run.txt's `classifier=`).
    ///   - measure: what to plot against bpp.
    /// - Throws: `RateRatioFigureError.notClassified` when no image was classified, `.unlabelled` when `measure` is
    ///   `ratio` and the images have no labels, `.noneRightOnOriginals` when it is `ratio` and the judge is wrong on
    ///   every original (the ratio divides by that accuracy).
    package init(summary: CompareSummary, judge: String, measure: Measure = .ratio) throws(RateRatioFigureError) {
        try self.init(
            series: summary.series, points: summary.points, images: summary.images, classified: summary.classified,
            originalAccuracy: summary.originalAccuracy, judge: judge, measure: measure)
    }

    /// The figure of a run whose summary.json is all that is left (committed reports keep no results.csv).
    ///
    /// - Throws: as `init(summary:judge:measure:)`.
    package init(stored: StoredCompareSummary, judge: String, measure: Measure = .ratio) throws(RateRatioFigureError) {
        try self.init(
            series: stored.series, points: stored.points, images: stored.images, classified: stored.classified,
            originalAccuracy: stored.originalAccuracy, judge: judge, measure: measure)
    }

    init(
        series: [String], points: [CompareSummary.Point], images: Int, classified: Int, originalAccuracy: Double?,
        judge: String, measure: Measure
    ) throws(RateRatioFigureError) {
        guard classified > 0 else { throw .notClassified(images: images) }
        if measure == .ratio {
            guard let accuracy = originalAccuracy else { throw .unlabelled }
            guard accuracy > 0 else { throw .noneRightOnOriginals(images: classified) }
        }
        self.judge = judge
        self.measure = measure
        self.images = classified
        self.originalAccuracy = originalAccuracy
        curves = series.compactMap { name in
            let curve = points.filter { $0.series == name }.compactMap { p -> Point? in
                let value = measure == .ratio ? p.ratio : p.agreement
                return value.map {
                    Point(
                        quality: p.quality, bpp: p.meanBPP, value: $0, agreement: p.agreement, accuracy: p.accuracy,
                        ratio: p.ratio)
                }
            }.sorted { $0.bpp < $1.bpp }
            return curve.isEmpty ? nil : Curve(series: name, points: curve)
        }
    }

    /// "resnet9-cifar, 90.0% on 1000 originals" (or "…, 1000 images" without labels).
    package var judgeDescription: String {
        if let originalAccuracy {
            return "\(judge), \(NumberFormat.fixed(originalAccuracy * 100, 1))% on \(images) originals"
        }
        return "\(judge), \(images) images"
    }

    /// The figure's title, naming the judge and its accuracy.
    package var title: String {
        switch measure {
        case .ratio: "Performance ratio against rate; judge \(judgeDescription)"
        case .agreement: "Agreement with the original's class against rate; judge \(judgeDescription)"
        }
    }

    var yLabel: String {
        switch measure {
        case .ratio: "performance ratio (accuracy reconstructed / original)"
        case .agreement: "agreement with the original's class"
        }
    }

    /// The figure as a standalone SVG: one curve per series (JPEG scan only dashed) and a dashed line at 1 (as good
    /// as the originals), bpp on a log axis.
    package func svg() -> String {
        var series = curves.map { curve in
            SVGPlot.Series(
                name: curve.series, points: curve.points.map { ($0.bpp, $0.value) },
                dashed: curve.series == "jpeg-scan")
        }
        let rates = curves.flatMap { $0.points.map(\.bpp) }
        if let low = rates.min(), let high = rates.max() {
            series.append(SVGPlot.Series(name: "originals (1)", points: [(low, 1), (high, 1)], dashed: true))
        }
        return SVGPlot(title: title, xLabel: "bits per pixel", yLabel: yLabel, logX: true, series: series).render(
            width: 860, height: 540)
    }

    /// One line per point: judge, series, quality, mean bpp, agreement, accuracy, performance ratio (empty when
    /// unknown); fractions with six decimals.
    package func csv() -> String {
        func num(_ value: Double?) -> String { value.map { NumberFormat.fixed($0, 6) } ?? "" }
        var text = "judge,series,quality,bpp,agreement,accuracy,performance_ratio\n"
        for curve in curves {
            for p in curve.points {
                text +=
                    [
                        CSV.quote(judge), CSV.quote(curve.series), String(p.quality), num(p.bpp), num(p.agreement),
                        num(p.accuracy), num(p.ratio),
                    ].joined(separator: ",") + "\n"
            }
        }
        return text
    }

    /// Per series: the rate at which the measure first reaches each of `levels` (interpolated in bpp; nil if never,
    /// `atMost` when the lowest rate already does), and its best value with the rate where it is reached.
    package func rates() -> [(series: String, atLevels: [(bpp: Double?, atMost: Bool)], best: Point)] {
        curves.map { curve in
            let values = curve.points.map { (bpp: $0.bpp, value: $0.value) }
            let best = curve.points.max { $0.value < $1.value }!
            return (curve.series, Self.levels.map { CompareSummary.firstCrossing($0, values) }, best)
        }
    }

    /// A markdown caption for the figure: the judge, the measure and why, where the numbers come from, and the rate
    /// each series needs for each level.
    ///
    /// - Parameters:
    ///   - source: where the results came from (shown as given).
    ///   - settings: the compare run's settings line.
    ///   - figure: the SVG's file name, relative to the markdown file.
    package func markdown(source: String, settings: String, figure: String) -> String {
        let name = measure == .ratio ? "performance ratio" : "agreement"
        var text = "# Fig. 4 generalised: \(name) against rate, every codec\n\n"
        text += "Judge: `\(judge)`"
        if let originalAccuracy {
            text +=
                ", top-1 accuracy \(NumberFormat.fixed(originalAccuracy * 100, 1))% on the \(images) original images"
        } else {
            text += " on \(images) images (no labels)"
        }
        text += ". Made by `caec experiment ratio` from `\(source)` (settings: `\(settings)`),"
        text += " without encoding again. Rates are means over images; `jpeg-scan` counts only the JPEG bytes after"
        text += " the SOS header.\n\n"
        switch measure {
        case .ratio:
            text += "The y axis is the seed paper's performance ratio: accuracy on the reconstructions / accuracy on"
            text += " the originals, both against the true labels, so that the figure reads like the paper's Fig. 4"
            text += " (which plots it against the autoencoders' rates). It can pass 1 when compression removes what"
            text += " misled the judge; `--measure agreement` plots the label-free share of reconstructions that get"
            text += " the judge's class on the original instead.\n\n"
        case .agreement:
            text += "The y axis is agreement: the share of images whose reconstruction gets the judge's top-1 class on"
            text += " the original (label-free; 1 means the judge cannot tell). The paper's performance ratio"
            text += " (accuracy / accuracy on originals) is `--measure ratio`.\n\n"
        }
        text += "![\(name) against bpp](\(figure))\n\n"
        func rate(_ level: (bpp: Double?, atMost: Bool)) -> String {
            guard let bpp = level.bpp else { return "never" }
            return (level.atMost ? "≤ " : "") + NumberFormat.fixed(bpp, 3)
        }
        let table = MarkdownTable(
            header: ["series", "points"] + Self.levels.map { "bpp for \(name) \(NumberFormat.fixed($0, 2))" } + [
                "best \(name)", "at bpp",
            ],
            rows: rates().map { entry in
                [entry.series, String(curves.first { $0.series == entry.series }!.points.count)]
                    + entry.atLevels.map(rate) + [
                        NumberFormat.fixed(entry.best.value, 3), NumberFormat.fixed(entry.best.bpp, 3),
                    ]
            })
        text += table.render()
        text += "\nThe rate for a level is interpolated linearly in bpp at its first crossing; \"never\" means no"
        text += " measured quality reaches it.\n"
        return text
    }

    /// The classifier id in a compare run's settings line (`classifier=<id>`); nil when absent or `none`.
    package static func judge(settings: String) -> String? {
        let line = settings.split(separator: "\n").first ?? ""
        guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("classifier=") }) else { return nil }
        let id = String(field.dropFirst("classifier=".count))
        return id.isEmpty || id == "none" ? nil : id
    }
}

/// Why a compare run's results cannot make the rate–ratio figure.
package enum RateRatioFigureError: Error, Equatable, CustomStringConvertible {
    /// No image of the run was classified (no classifier, or no 32x32 images).
    case notClassified(images: Int)
    /// The performance ratio needs labels; these images have none.
    case unlabelled
    /// The judge is wrong on every original, so the ratio (accuracy / accuracy on originals) is undefined.
    case noneRightOnOriginals(images: Int)

    package var description: String {
        switch self {
        case .notClassified(let images):
            "none of the \(images) images was classified (run caec compare with --classifier on 32x32 images, "
                + "such as --cifar-test)"
        case .unlabelled:
            "the images have no labels, so there is no performance ratio (use --measure agreement)"
        case .noneRightOnOriginals(let images):
            "the judge is wrong on all \(images) original images, so there is no performance ratio "
                + "(use --measure agreement)"
        }
    }
}
