import Caec
import CaecCore
import CaecMetrics
import CaecModel
import Testing

@testable import CaecEval

@Suite struct CompareTests {
    static func plan(classify: Bool = true) throws -> ComparePlan {
        let codec = try CaecCodec(weights: TinyModels.codecWeights())
        let (classifier, parameters) = TinyModels.classifier()
        return ComparePlan(
            methods: [.caec(codec), .jpeg(qualities: [10, 90]), .webp(qualities: [20])],
            classifier: classify ? ImageClassifier(classifier: classifier, parameters: parameters) : nil)
    }

    @Test func encode_all_qualities_equals_encode() throws {
        let codec = try CaecCodec(weights: TinyModels.codecWeights())
        let image = TestImages.gradient(width: 30, height: 22, seed: 3)
        let ladder = try codec.encodeAllQualities(image)
        #expect(ladder.count == 2)
        for quality in codec.qualities { #expect(ladder[quality - 1] == (try codec.encode(image, quality: quality))) }
    }

    @Test func a_caec_model_at_some_of_its_qualities_gives_those_rows_of_the_whole_ladder() throws {
        let codec = try CaecCodec(weights: TinyModels.codecWeights())
        let item = CompareItem(
            index: 0, name: "x", image: TestImages.gradient(width: 24, height: 16, seed: 5), label: nil)
        let all = try CompareRunner.evaluate(item, plan: ComparePlan(methods: [.caec(codec)], classifier: nil))
        let some = ComparePlan(methods: [.caec(codec, qualities: [2])], classifier: nil)
        #expect(some.settings == "methods=\(codec.modelID):2 classifier=none")
        #expect(try CompareRunner.evaluate(item, plan: some) == [all[1]])
    }

    @Test func one_image_gets_a_row_per_operating_point() throws {
        let plan = try Self.plan()
        let image = TestImages.gradient(width: 32, height: 32, seed: 1)
        let item = CompareItem(index: 4, name: "a,b.png", image: image, label: 6)
        let rows = try CompareRunner.evaluate(item, plan: plan)
        #expect(rows.map { RowKey(method: $0.method, quality: $0.quality) } == plan.keys)
        let codec = try CaecCodec(weights: TinyModels.codecWeights())
        let file = try codec.encode(image, quality: 2)
        #expect(rows[1].bytes == file.count)
        #expect(rows[1].psnr == PixelError.psnr(image, try codec.decode(file)))
        #expect(rows[0].scanBytes == nil && rows[2].scanBytes! < rows[2].bytes)
        let original = ImageClassifier(classifier: plan.classifier!.classifier, parameters: plan.classifier!.parameters)
            .predictions([image])[0]
        #expect(rows.allSatisfy { $0.predictionOriginal == original && $0.prediction != nil && $0.label == 6 })
        #expect(rows.allSatisfy { $0.msSSIM == nil && $0.index == 4 && $0.bpp == Double($0.bytes) * 8 / 1024 })
    }

    @Test func images_other_than_32x32_are_not_classified() throws {
        let rows = try CompareRunner.evaluate(
            CompareItem(index: 0, name: "x", image: TestImages.gradient(width: 40, height: 24), label: nil),
            plan: try Self.plan())
        #expect(rows.allSatisfy { $0.prediction == nil && $0.predictionOriginal == nil })
    }

    @Test func parallel_evaluation_keeps_input_order() throws {
        let plan = try Self.plan()
        let items = (0..<7).map {
            CompareItem(
                index: $0, name: "img\($0)", image: TestImages.gradient(width: 32, height: 32, seed: $0), label: $0)
        }
        let indices = [6, 0, 3, 1, 5]
        let serial = try CompareRunner.evaluate(indices, plan: plan, jobs: 1) { .success(items[$0]) }
        let parallel = try CompareRunner.evaluate(indices, plan: plan, jobs: 3) { .success(items[$0]) }
        #expect(serial == parallel)
        #expect(serial.map { $0[0].prefix(2) } == ["6,", "0,", "3,", "1,", "5,"])
    }

    /// Every image's rows reach `imageDone` as soon as it is done (what `caec compare` appends at once), each image
    /// exactly once, with the same lines the call returns.
    @Test func each_finished_image_is_handed_over_with_its_rows() throws {
        let plan = try Self.plan()
        let items = (0..<5).map {
            CompareItem(
                index: $0, name: "img\($0)", image: TestImages.gradient(width: 32, height: 32, seed: $0), label: $0)
        }
        let handed = HandedRows()
        let returned = try CompareRunner.evaluate(Array(0..<5), plan: plan, jobs: 2, imageDone: handed.add) {
            .success(items[$0])
        }
        #expect(handed.batches.count == 5)
        #expect(Set(handed.batches) == Set(returned))
        #expect(handed.batches.allSatisfy { $0.count == plan.keys.count })
    }

    @Test func csv_rows_round_trip() throws {
        let plan = try Self.plan()
        let item = CompareItem(
            index: 2, name: "dir/\"odd\", name.png", image: TestImages.gradient(width: 32, height: 32), label: nil)
        let rows = try CompareRunner.evaluate(item, plan: plan)
        let text = CompareResults.csv(rows)
        let parsed = try CompareResults.parse(text)
        #expect(parsed.map(\.csvLine) == rows.map(\.csvLine))
        #expect(parsed[0].image == item.name)
        #expect(throws: CompareDataError.wrongHeader(found: "a,b")) { try CompareResults.parse("a,b\n1,2\n") }
    }

    @Test func resume_keeps_only_complete_images() throws {
        let plan = try Self.plan(classify: false)
        var rows: [CompareRow] = []
        for i in 0..<3 {
            rows += try CompareRunner.evaluate(
                CompareItem(
                    index: i, name: "\(i)", image: TestImages.gradient(width: 16, height: 16, seed: i), label: nil),
                plan: plan)
        }
        let text = CompareResults.csv(rows)
        // Cut in the middle of the last image's third row: the partial line and image 2 are dropped.
        let cut = String(text.prefix(text.count - rows.last!.csvLine.count - 5))
        let (kept, done) = try CompareResults.completeImages(
            try CompareResults.parse(cut), keys: plan.keys, settings: plan.settings)
        #expect(done == [0, 1])
        #expect(CompareResults.csv(kept) == CompareResults.csv(Array(rows.prefix(2 * plan.keys.count))))
        let other = ComparePlan(methods: [.jpeg(qualities: [10])], classifier: nil)
        #expect(throws: CompareDataError.self) {
            try CompareResults.completeImages(rows, keys: other.keys, settings: other.settings)
        }
    }

    @Test func merge_sorts_shards_and_refuses_duplicates() throws {
        let plan = ComparePlan(methods: [.jpeg(qualities: [50])], classifier: nil)
        let rows = try (0..<5).flatMap {
            try CompareRunner.evaluate(
                CompareItem(
                    index: $0, name: "\($0)", image: TestImages.gradient(width: 8, height: 8, seed: $0), label: nil),
                plan: plan)
        }
        let even = rows.filter { $0.index % 2 == 0 }
        let odd = rows.filter { $0.index % 2 == 1 }
        #expect(try CompareResults.merge([odd, even]) == rows)
        #expect(throws: CompareDataError.duplicateImage(index: 1, method: "jpeg")) {
            try CompareResults.merge([odd, odd])
        }
    }

    @Test func merge_joins_runs_of_other_methods_in_first_appearance_order() throws {
        let plan = ComparePlan(methods: [.jpeg(qualities: [30, 60]), .webp(qualities: [50])], classifier: nil)
        let rows = try (0..<4).flatMap {
            try CompareRunner.evaluate(
                CompareItem(
                    index: $0, name: "\($0)", image: TestImages.gradient(width: 8, height: 8, seed: $0), label: nil),
                plan: plan)
        }
        let jpeg = rows.filter { $0.method == "jpeg" }
        let webp = rows.filter { $0.method == "webp" }
        // The JPEG rows of one run and the WebP rows split into two shards, given in any order.
        let webpEven = webp.filter { $0.index % 2 == 0 }
        let webpOdd = webp.filter { $0.index % 2 == 1 }
        #expect(try CompareResults.merge([jpeg, webpOdd, webpEven]) == rows)
        #expect(
            try CompareResults.merge([webpEven, jpeg, webpOdd]).map(\.method).prefix(3) == ["webp", "jpeg", "jpeg"])
        // WebP for half of the images only: those without it are reported.
        #expect(throws: CompareDataError.incompleteImage(index: 1, missing: "webp q50")) {
            try CompareResults.merge([jpeg, webpEven])
        }
        // The same index naming another image: other inputs.
        var renamed = webp
        for i in renamed.indices { renamed[i].image = "other-\(renamed[i].index)" }
        #expect(throws: CompareDataError.imageMismatch(index: 0, names: ["0", "other-0"])) {
            try CompareResults.merge([jpeg, renamed])
        }
    }

    @Test func merged_settings_join_methods_and_require_the_same_inputs() throws {
        let a = "methods=m1:1/2,jpeg:5/10 classifier=resnet9-cifar inputs=cifar-test:10000"
        let b = "methods=webp:5,m1:1/2 classifier=resnet9-cifar inputs=cifar-test:10000"
        #expect(
            try ComparePlan.mergedSettings([a, b])
                == "methods=m1:1/2,jpeg:5/10,webp:5 classifier=resnet9-cifar inputs=cifar-test:10000")
        #expect(try ComparePlan.mergedSettings([a, a]) == a)
        #expect(throws: CompareDataError.self) {
            try ComparePlan.mergedSettings([a, "methods=webp:5 classifier=lenet5 inputs=cifar-test:10000"])
        }
        #expect(throws: CompareDataError.self) {
            try ComparePlan.mergedSettings([a, "methods=jpeg:5 classifier=resnet9-cifar inputs=cifar-test:10000"])
        }
        #expect(throws: CompareDataError.self) { try ComparePlan.mergedSettings([a, "not a settings line"]) }
    }
}

@Suite struct SummaryTests {
    static func row(
        _ index: Int, _ method: String, _ quality: Int, bytes: Int, psnr: Double, label: Int?, original: Int?,
        prediction: Int?
    ) -> CompareRow {
        CompareRow(
            index: index, image: "\(index)", width: 32, height: 32, label: label, method: method, quality: quality,
            bytes: bytes, scanBytes: method == "jpeg" ? bytes / 4 : nil, mse: 1, psnr: psnr, ssim: 0.5, msSSIM: nil,
            predictionOriginal: original, prediction: prediction)
    }

    @Test func aggregates_agreement_accuracy_and_ratio() {
        // Two images, labels 1 and 2; the classifier gets image 0 right on the original, image 1 wrong.
        let rows = [
            Self.row(0, "jpeg", 10, bytes: 128, psnr: 20, label: 1, original: 1, prediction: 1),
            Self.row(0, "jpeg", 90, bytes: 512, psnr: .infinity, label: 1, original: 1, prediction: 1),
            Self.row(1, "jpeg", 10, bytes: 256, psnr: 30, label: 2, original: 5, prediction: 2),
            Self.row(1, "jpeg", 90, bytes: 1024, psnr: 40, label: 2, original: 5, prediction: 5),
        ]
        let summary = CompareSummary(rows: rows)
        #expect(summary.images == 2 && summary.originalAccuracy == 0.5)
        #expect(summary.series == ["jpeg", "jpeg-scan"])
        let q10 = summary.points[0]
        #expect(q10.meanBytes == 192 && q10.meanBPP == 1.5 && q10.meanPSNR == 25)
        #expect(q10.agreement == 0.5 && q10.accuracy == 1 && q10.ratio == 2)
        let q90 = summary.points[1]
        #expect(q90.meanPSNR == (CompareSummary.psnrCap + 40) / 2 && q90.identical == 1)
        #expect(q90.agreement == 1 && q90.accuracy == 0.5 && q90.ratio == 1)
        #expect(summary.points[2].series == "jpeg-scan" && summary.points[2].meanBytes == 48)
        // Agreement 0.5 at 1.5 bpp, 1.0 at 6 bpp: 0.9 is reached at 1.5 + 0.8 * 4.5 = 5.1 bpp.
        let jpeg = summary.bppAtAgreement.first { $0.series == "jpeg" }!
        #expect(abs(jpeg.bpp! - 5.1) < 1e-12 && !jpeg.atMost)
    }

    @Test func reports_render() {
        var rows: [CompareRow] = []
        for i in 0..<2 {
            for q in [10, 50, 90] {
                let psnr = 20 + Double(q) / 8
                rows.append(
                    Self.row(i, "jpeg", q, bytes: 300 + 4 * q, psnr: psnr, label: i, original: i, prediction: i))
                let prediction = q > 40 ? i : 9
                rows.append(
                    Self.row(
                        i, "cae-r4", q / 10, bytes: 20 + 2 * q, psnr: psnr - 1, label: i, original: i,
                        prediction: prediction))
            }
        }
        let summary = CompareSummary(rows: rows)
        #expect(summary.series == ["cae-r4", "jpeg", "jpeg-scan"])
        #expect(summary.bdRates.map(\.anchor) == ["jpeg", "jpeg-scan"])
        let json = summary.json(settings: "s")
        #expect(json.hasPrefix("{\n  \"settings\": \"s\",") && json.hasSuffix("]\n}\n"))
        let markdown = summary.markdown(settings: "s", classifier: "lenet5")
        #expect(
            markdown.contains("| test \\ anchor | jpeg | jpeg-scan |") && markdown.contains("| cae-r4 | ")
                && markdown.contains("## Rate for 90% agreement"))
        let plots = summary.plots()
        #expect(plots.map(\.name) == ["rate-psnr.svg", "rate-ssim.svg", "rate-agreement.svg"])
        #expect(
            plots.allSatisfy {
                $0.svg.hasPrefix("<svg") && $0.svg.hasSuffix("</svg>\n") && $0.svg.contains("jpeg-scan")
            })
    }
}

@Suite struct ReportTests {
    @Test func nice_ticks() {
        #expect(SVGPlot.niceTicks(20.3, 36.2) == [20, 25, 30, 35, 40])
        #expect(SVGPlot.niceTicks(0, 1) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        let log = SVGPlot.logTicks(-0.7, 0.9)  // 0.2 ... 7.9
        #expect(log.count == 5)
    }

    @Test func number_format() {
        #expect(NumberFormat.fixed(3.14159, 3) == "3.142")
        #expect(NumberFormat.fixed(-0.0004, 3) == "0.000")
        #expect(NumberFormat.fixed(-2.5, 0) == "-3")
        #expect(NumberFormat.fixed(.infinity, 2) == "inf")
        #expect(NumberFormat.parse("inf") == .infinity)
    }

    @Test func markdown_table() {
        let table = MarkdownTable(header: ["a", "b"], rows: [["x|y", "1"]])
        #expect(table.render() == "| a | b |\n|:---|---:|\n| x\\|y | 1 |\n")
    }

    @Test func grid_places_images_at_matched_size() throws {
        let small = RGBImage(width: 2, height: 2, fill: (255, 0, 0))
        let large = RGBImage(width: 4, height: 4, fill: (0, 0, 255))
        let grid = ImageGrid.compose([[small, large]], scale: 2, gap: 1)
        #expect(grid.width == 2 * 4 + 3 && grid.height == 4 + 2)
        #expect(Array(grid.pixels[(1 * grid.width + 1) * 3..<(1 * grid.width + 1) * 3 + 3]) == [255, 0, 0])
        #expect(Array(grid.pixels[(1 * grid.width + 6) * 3..<(1 * grid.width + 6) * 3 + 3]) == [0, 0, 255])
        let png = try ImageGrid.png([[small, large]])
        #expect(png.prefix(4) == [0x89, 0x50, 0x4E, 0x47])
    }
}

/// Collects what `imageDone` hands over (called under the runner's lock).
private final class HandedRows: @unchecked Sendable {
    var batches: [[String]] = []
    func add(_ lines: [String]) { batches.append(lines) }
}
