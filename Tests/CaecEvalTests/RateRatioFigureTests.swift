import CaecCore
import Testing

@testable import CaecEval

/// The Fig. 4 generalisation built from a compare run's rows.
@Suite struct RateRatioFigureTests {
    /// Four images with labels 0...3; the judge is right on the originals of images 0-2 (75%). `caec-x` at quality 1
    /// keeps one right answer, at quality 2 all three; JPEG at 10 keeps two, at 90 three and fixes image 3.
    static func rows(labelled: Bool = true, classified: Bool = true) -> [CompareRow] {
        let originals = [0, 1, 2, 9]
        let predictions: [String: [Int: [Int]]] = [
            "caec-x": [1: [0, 7, 7, 9], 2: [0, 1, 2, 9]],
            "jpeg": [10: [0, 1, 7, 9], 90: [0, 1, 2, 3]],
        ]
        var rows: [CompareRow] = []
        for index in 0..<4 {
            for (method, qualities) in predictions.sorted(by: { $0.key < $1.key }) {
                for (quality, predicted) in qualities.sorted(by: { $0.key < $1.key }) {
                    let bytes = method == "jpeg" ? 100 + quality * 4 : 32 * quality
                    rows.append(
                        CompareRow(
                            index: index, image: "cifar-test/\(index)", width: 32, height: 32,
                            label: labelled ? index : nil, method: method, quality: quality, bytes: bytes,
                            scanBytes: method == "jpeg" ? bytes - 96 : nil, mse: 10, psnr: 30, ssim: 0.9, msSSIM: nil,
                            predictionOriginal: classified ? originals[index] : nil,
                            prediction: classified ? predicted[index] : nil))
                }
            }
        }
        return rows
    }

    @Test func one_curve_per_series_with_the_papers_ratio() throws {
        let figure = try RateRatioFigure(summary: CompareSummary(rows: Self.rows()), judge: "resnet9-cifar")
        #expect(figure.curves.map(\.series) == ["caec-x", "jpeg", "jpeg-scan"])
        #expect(figure.originalAccuracy == 0.75 && figure.images == 4)
        let caec = figure.curves[0].points
        // Quality 1: 32 bytes = 0.25 bpp, right on image 0 only: accuracy 0.25, ratio 1/3.
        #expect(caec.map(\.bpp) == [0.25, 0.5])
        #expect(abs(caec[0].value - 1.0 / 3) < 1e-12 && caec[1].value == 1)
        #expect(caec[0].agreement == 0.5 && caec[1].agreement == 1)
        // JPEG 90 fixes image 3: accuracy 1, ratio 4/3; agreement 3/4. Scan-only rates are 96 bytes lower.
        let jpeg = figure.curves[1].points
        #expect(abs(jpeg[1].value - 4.0 / 3) < 1e-12 && jpeg[1].agreement == 0.75)
        let scanRates: [Double] = [(140.0 - 96) * 8 / 1024, (460.0 - 96) * 8 / 1024]
        #expect(figure.curves[2].points.map(\.bpp) == scanRates)
        #expect(figure.title.contains("resnet9-cifar, 75.0% on 4 originals"))
    }

    @Test func rates_for_levels_are_interpolated() throws {
        let figure = try RateRatioFigure(summary: CompareSummary(rows: Self.rows()), judge: "j")
        let caec = figure.rates().first { $0.series == "caec-x" }!
        // Ratio 1/3 at 0.25 bpp, 1 at 0.5 bpp: 0.9 is reached at 0.25 + (0.9 - 1/3) / (2/3) * 0.25.
        let expected = 0.25 + (0.9 - 1.0 / 3) / (2.0 / 3) * 0.25
        #expect(abs(caec.atLevels[0].bpp! - expected) < 1e-12 && !caec.atLevels[0].atMost)
        #expect(caec.best.quality == 2)
        // Agreement of JPEG stays below 0.9 (0.75 at both qualities).
        let agreement = try RateRatioFigure(summary: CompareSummary(rows: Self.rows()), judge: "j", measure: .agreement)
        #expect(agreement.rates().first { $0.series == "jpeg" }!.atLevels[0].bpp == nil)
        #expect(
            agreement.markdown(source: "d", settings: "s", figure: "f.svg").contains("| jpeg | 2 | never | never |"))
    }

    @Test func files_name_the_judge_and_every_series() throws {
        let figure = try RateRatioFigure(summary: CompareSummary(rows: Self.rows()), judge: "resnet9-cifar")
        let svg = figure.svg()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        for name in ["caec-x", "jpeg-scan", "originals (1)", "resnet9-cifar, 75.0% on 4 originals"] {
            #expect(svg.contains(name), "\(name)")
        }
        let csv = figure.csv().split(separator: "\n")
        #expect(csv.count == 1 + 6 && csv[0] == "judge,series,quality,bpp,agreement,accuracy,performance_ratio")
        #expect(csv[1] == "resnet9-cifar,caec-x,1,0.250000,0.500000,0.250000,0.333333")
        let markdown = figure.markdown(
            source: "docs/x", settings: "methods=a classifier=resnet9-cifar", figure: "f.svg")
        #expect(markdown.contains("Judge: `resnet9-cifar`, top-1 accuracy 75.0% on the 4 original images"))
        #expect(markdown.contains("![performance ratio against bpp](f.svg)"))
    }

    @Test func refuses_runs_it_cannot_draw() {
        #expect(throws: RateRatioFigureError.notClassified(images: 4)) {
            try RateRatioFigure(summary: CompareSummary(rows: Self.rows(classified: false)), judge: "j")
        }
        #expect(throws: RateRatioFigureError.unlabelled) {
            try RateRatioFigure(summary: CompareSummary(rows: Self.rows(labelled: false)), judge: "j")
        }
        let allWrong = Self.rows().map { row in
            var row = row
            row.label = 7
            return row
        }
        #expect(throws: RateRatioFigureError.noneRightOnOriginals(images: 4)) {
            try RateRatioFigure(summary: CompareSummary(rows: allWrong), judge: "j")
        }
        // Without labels the agreement still has a figure.
        #expect(
            (try? RateRatioFigure(
                summary: CompareSummary(rows: Self.rows(labelled: false)), judge: "j", measure: .agreement)) != nil)
    }

    @Test func judge_comes_from_the_settings_line() {
        #expect(
            RateRatioFigure.judge(settings: "methods=jpeg:5 classifier=resnet9-cifar inputs=x\nshard=1/1\n")
                == "resnet9-cifar")
        #expect(RateRatioFigure.judge(settings: "methods=jpeg:5 classifier=none inputs=x\n") == nil)
        #expect(RateRatioFigure.judge(settings: "methods=jpeg:5\n") == nil)
    }

    @Test func summary_json_gives_the_same_figure() throws {
        let summary = CompareSummary(rows: Self.rows())
        let settings = "methods=caec-x:1/2,jpeg:10/90 classifier=resnet9-cifar inputs=cifar-test:4"
        let stored = try StoredCompareSummary(json: summary.json(settings: settings))
        #expect(stored.settings == settings && stored.images == 4 && stored.classified == 4)
        #expect(stored.series == summary.series && stored.points.count == summary.points.count)
        let fromRows = try RateRatioFigure(summary: summary, judge: "resnet9-cifar")
        let fromJSON = try RateRatioFigure(stored: stored, judge: RateRatioFigure.judge(settings: stored.settings)!)
        #expect(fromJSON.csv() == fromRows.csv() && fromJSON.title == fromRows.title)
    }

    @Test func summary_json_errors_name_the_problem() {
        #expect(throws: CompareDataError.malformedSummary(reason: "unterminated string at byte 15")) {
            try StoredCompareSummary(json: "{\"settings\": \"x")
        }
        #expect(throws: CompareDataError.malformedSummary(reason: "no \"images\"")) {
            try StoredCompareSummary(json: "{\"settings\": \"x\"}")
        }
        #expect(throws: CompareDataError.malformedSummary(reason: "not a JSON object")) {
            try StoredCompareSummary(json: "[1, 2]")
        }
    }

    @Test func malformedSummaryJSONNamesTheReasonAndByte() {
        #expect(
            throws: CompareDataError.malformedSummary(reason: "unexpected data after the JSON value at byte 18")
        ) {
            try StoredCompareSummary(json: #"{"settings": "x"} 2"#)
        }
        #expect(throws: CompareDataError.malformedSummary(reason: "\"images\" is not an integer")) {
            try StoredCompareSummary(json: #"{"settings": "x", "images": 1.5}"#)
        }
    }
}
