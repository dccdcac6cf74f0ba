import CaecCore
import Testing

@testable import CaecEval

@Suite struct ReportLabelTests {
    @Test func glyphs_are_read_row_by_row_from_the_left() {
        let one = (0..<7).map { y in String((0..<5).map { BitmapFont.isSet("1", x: $0, y: y) ? "#" : "." }) }
        #expect(one == ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."])
        let unknown = (0..<7).flatMap { y in (0..<5).map { BitmapFont.isSet("€", x: $0, y: y) } }
        let question = (0..<7).flatMap { y in (0..<5).map { BitmapFont.isSet("?", x: $0, y: y) } }
        #expect(unknown == question)
        // Every glyph a label uses is distinct from every other.
        let text = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-:/%()"
        let shapes = Set(text.map { c in BitmapFont.glyphs[c]! })
        #expect(shapes.count == text.count)
    }

    @Test func drawing_sets_exactly_the_glyph_pixels_scaled() {
        var canvas = RGBImage(width: 30, height: 20, fill: (255, 255, 255))
        BitmapFont.draw("10", on: &canvas, x: 1, y: 2, scale: 2, color: (0, 0, 0))
        let ink = (0..<canvas.width * canvas.height).filter { canvas.pixels[$0 * 3] == 0 }.count
        let bits = BitmapFont.glyphs["1"]!.nonzeroBitCount + BitmapFont.glyphs["0"]!.nonzeroBitCount
        #expect(ink == bits * 4)
        #expect(BitmapFont.width(of: "10", scale: 2) == 22)
        // The top-left pixel of "1" is blank, its third column's top row is set (at x = 1 + 2 * 2, y = 2).
        #expect(canvas.pixels[(2 * 30 + 1) * 3] == 255 && canvas.pixels[(2 * 30 + 5) * 3] == 0)
        // Clipped at the edges without trapping.
        BitmapFont.draw("888", on: &canvas, x: 25, y: 17, scale: 3)
    }

    @Test func grid_labels_get_their_own_band_under_the_tiles() {
        let tile = RGBImage(width: 40, height: 10, fill: (200, 0, 0))
        let plain = ImageGrid.compose([[tile, tile]], scale: 1, gap: 2)
        let labelled = ImageGrid.compose(
            [[tile, tile]], labels: [[["JPEG q5", "123 B"], ["x"]]], scale: 1, gap: 2)
        #expect(plain.height == 14 && labelled.height == 14 + 2 * BitmapFont.lineHeight + 2)
        #expect(labelled.width == plain.width)
        // Tiles are where they were; dark text sits below the first tile only in its band.
        #expect(Array(labelled.pixels[0..<plain.width * 12 * 3]) == Array(plain.pixels[0..<plain.width * 12 * 3]))
        func dark(_ x0: Int, _ x1: Int) -> Int {
            (12..<labelled.height).flatMap { y in (x0..<x1).map { (y, $0) } }.filter { y, x in
                labelled.pixels[(y * labelled.width + x) * 3] == 32
            }.count
        }
        #expect(dark(2, 42) > 40 && dark(44, 84) > 0 && dark(44, 84) < dark(2, 42))
    }

    @Test func report_links_plots_grid_and_names_the_environment() {
        let rows = (1...3).map { q in
            CompareRow(
                index: 0, image: "a", width: 64, height: 64, label: nil, method: "jpeg", quality: q, bytes: 100 * q,
                scanBytes: 80 * q, mse: 10 / Double(q), psnr: 30 + Double(q), ssim: 0.9, msSSIM: nil,
                predictionOriginal: nil, prediction: nil)
        }
        let summary = CompareSummary(rows: rows)
        let environment = ReportEnvironment(
            date: "2025-01-02 03:04 UTC", cpu: "Test CPU", software: ["caec 9", "libx 1"])
        let report = summary.markdown(settings: "s", classifier: nil, grid: true, environment: environment)
        for plot in summary.plots() { #expect(report.contains("](\(plot.name))")) }
        #expect(report.contains("![matched-size grid](grid.png)") && report.contains("[grid.txt](grid.txt)"))
        #expect(
            report.hasSuffix("## Environment\n\n- date: 2025-01-02 03:04 UTC\n- CPU: Test CPU\n- caec 9\n- libx 1\n"))
        let plain = summary.markdown(settings: "s", classifier: nil)
        #expect(!plain.contains("grid.png") && !plain.contains("## Environment"))
        let current = ReportEnvironment.current(tool: "caec test")
        #expect(current.software.first == "caec test" && current.software.contains { $0.hasPrefix("libavif ") })
        #expect(current.date.hasSuffix(" UTC") && current.date.count == 20)
    }
}
