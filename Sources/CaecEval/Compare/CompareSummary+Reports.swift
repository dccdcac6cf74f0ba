import CaecCore

extension CompareSummary {
    /// The summary as JSON (keys in a fixed order, numbers with fixed decimals, null where not measured).
    package func json(settings: String) -> String {
        func num(_ v: Double?, _ digits: Int) -> String {
            guard let v, v.isFinite else { return "null" }
            return NumberFormat.fixed(v, digits)
        }
        func str(_ s: String) -> String {
            var out = "\""
            for c in s.unicodeScalars {
                switch c {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where c.value < 0x20: out += "\\u00" + (c.value < 16 ? "0" : "") + String(c.value, radix: 16)
                default: out.unicodeScalars.append(c)
                }
            }
            return out + "\""
        }
        var text = "{\n"
        text += "  \"settings\": \(str(settings)),\n"
        text += "  \"images\": \(images),\n  \"classified_images\": \(classified),\n"
        text += "  \"original_accuracy\": \(num(originalAccuracy, 6)),\n"
        text += "  \"psnr_cap_db\": \(num(Self.psnrCap, 1)),\n"
        text += "  \"operating_points\": [\n"
        text += points.map { p in
            "    {\"series\": \(str(p.series)), \"quality\": \(p.quality), \"images\": \(p.images), "
                + "\"mean_bytes\": \(num(p.meanBytes, 3)), \"mean_bpp\": \(num(p.meanBPP, 5)), "
                + "\"mean_psnr\": \(num(p.meanPSNR, 4)), \"identical\": \(p.identical), "
                + "\"mean_mse\": \(num(p.meanMSE, 4)), \"mean_ssim\": \(num(p.meanSSIM, 6)), "
                + "\"mean_ms_ssim\": \(num(p.meanMSSSIM, 6)), \"agreement\": \(num(p.agreement, 6)), "
                + "\"accuracy\": \(num(p.accuracy, 6)), \"performance_ratio\": \(num(p.ratio, 6))}"
        }.joined(separator: ",\n")
        text += "\n  ],\n  \"bd_rate_psnr_percent\": [\n"
        text += bdRates.map {
            "    {\"test\": \(str($0.test)), \"anchor\": \(str($0.anchor)), \"percent\": \(num($0.percent, 3))}"
        }
        .joined(separator: ",\n")
        text += "\n  ],\n  \"bpp_for_90_percent_agreement\": [\n"
        text += bppAtAgreement.map {
            "    {\"series\": \(str($0.series)), \"bpp\": \(num($0.bpp, 4)), \"at_most\": \($0.atMost)}"
        }.joined(separator: ",\n")
        text += "\n  ]\n}\n"
        return text
    }

    /// The summary as a markdown report, linking its plots (`plots()`), the matched-size grid when `grid` (grid.png
    /// and grid.txt beside the report) and ending with `environment` when given.
    package func markdown(
        settings: String, classifier: String?, grid: Bool = false, environment: ReportEnvironment? = nil
    ) -> String {
        func num(_ v: Double?, _ digits: Int) -> String { v.map { NumberFormat.fixed($0, digits) } ?? "–" }
        func pct(_ v: Double?) -> String { v.map { NumberFormat.fixed($0 * 100, 1) + "%" } ?? "–" }
        var text = "# caec compare\n\n"
        text += "\(images) images; settings: `\(settings)`.\n"
        if let classifier, classified > 0 {
            text += "Classifier `\(classifier)` on \(classified) images (32x32)"
            text += originalAccuracy.map { "; accuracy on the originals " + pct($0) } ?? ""
            text += ".\n"
        } else {
            text += "No classification (no classifier weights, or no 32x32 images).\n"
        }
        text += "Means over images; PSNR capped at \(NumberFormat.fixed(Self.psnrCap, 0)) dB per image "
        text += "(identical reconstructions are counted in the last column); `jpeg-scan` counts only the bytes after "
        text += "the SOS header.\n\n## Operating points\n\n"
        var table = MarkdownTable(header: [
            "series", "quality", "bytes", "bpp", "PSNR dB", "SSIM", "MS-SSIM", "agreement", "accuracy", "ratio",
            "identical",
        ])
        for p in points {
            table.rows.append([
                p.series, String(p.quality), num(p.meanBytes, 1), num(p.meanBPP, 3), num(p.meanPSNR, 2),
                num(p.meanSSIM, 4), num(p.meanMSSSIM, 4), pct(p.agreement), pct(p.accuracy), num(p.ratio, 3),
                String(p.identical),
            ])
        }
        text += table.render()
        if !bdRates.isEmpty {
            text +=
                "\n## BD-rate (PSNR, PCHIP interpolation of log rate)\n\nNegative: fewer bits for the same PSNR.\n\n"
            let anchors = Self.anchorOrder.filter { a in bdRates.contains { $0.anchor == a } }
            var tests: [String] = []
            for entry in bdRates where !tests.contains(entry.test) { tests.append(entry.test) }
            var bd = MarkdownTable(header: ["test \\ anchor"] + anchors, leftAligned: [0])
            for test in tests {
                bd.rows.append(
                    [test]
                        + anchors.map { anchor in
                            guard let entry = bdRates.first(where: { $0.test == test && $0.anchor == anchor }) else {
                                return "–"
                            }
                            return entry.percent.map { NumberFormat.fixed($0, 1) + "%" } ?? "no overlap"
                        })
            }
            text += bd.render()
        }
        if !bppAtAgreement.isEmpty {
            text += "\n## Rate for \(NumberFormat.fixed(Self.agreementTarget * 100, 0))% agreement\n\n"
            var table = MarkdownTable(header: ["series", "bpp"])
            for entry in bppAtAgreement {
                let value = entry.bpp.map { (entry.atMost ? "≤ " : "") + NumberFormat.fixed($0, 3) } ?? "never"
                table.rows.append([entry.series, value])
            }
            text += table.render()
        }
        text += "\n## Plots\n\n"
        text += plots().map { "![\($0.title)](\($0.name))\n" }.joined(separator: "\n")
        if grid {
            text +=
                "\n## Matched file size\n\nThe first images at the middle quality of the caec model, each baseline at the "
            text += "quality whose file is closest in size (captions: [grid.txt](grid.txt)); centre crops, labelled "
            text += "with codec, bytes and the PSNR of the whole image.\n\n![matched-size grid](grid.png)\n"
        }
        if let environment { text += "\n" + environment.markdown }
        return text
    }

    /// SVG plots by file name: rate–PSNR, rate–SSIM, and rate–agreement when images were classified.
    package func plots() -> [(name: String, title: String, svg: String)] {
        func plot(_ title: String, _ yLabel: String, _ value: (Point) -> Double?) -> String {
            let all = series.map { name in
                SVGPlot.Series(
                    name: name,
                    points: points.filter { $0.series == name }.compactMap { p in value(p).map { (p.meanBPP, $0) } }
                        .sorted { $0.0 < $1.0 },
                    dashed: name == "jpeg-scan")
            }
            return SVGPlot(title: title, xLabel: "bits per pixel", yLabel: yLabel, logX: true, series: all).render()
        }
        var out = [
            ("rate-psnr.svg", "Rate–PSNR", plot("Rate–PSNR", "mean PSNR (dB)") { $0.meanPSNR }),
            ("rate-ssim.svg", "Rate–SSIM", plot("Rate–SSIM", "mean SSIM") { $0.meanSSIM }),
        ]
        if classified > 0 {
            out.append(
                (
                    "rate-agreement.svg", "Rate–agreement",
                    plot("Rate–agreement", "agreement (%)") { $0.agreement.map { $0 * 100 } }
                ))
        }
        return out
    }
}
