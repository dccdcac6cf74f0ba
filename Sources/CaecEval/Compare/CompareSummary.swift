/// Aggregates of `caec compare` per operating point, BD-rates and the rate needed for 90% agreement.
///
/// Means are over images, in image order. PSNR aggregates cap each image's PSNR at `psnrCap` (an identical
/// reconstruction has infinite PSNR) and count such images in `identical`. Agreement is the share of images whose
/// reconstruction gets the classifier's top-1 class on the original; accuracy the share matching the label; the
/// performance ratio is accuracy(reconstructed) / accuracy(original). Only 32x32 images are classified.
package struct CompareSummary: Sendable {
    /// Per-image PSNR is capped here in every mean (MSE 255^2 * 1e-10).
    package static let psnrCap = 100.0
    /// The agreement level `bppAtAgreement` looks for.
    package static let agreementTarget = 0.9

    package struct Point: Sendable {
        /// `jpeg-scan` is the JPEG rows with scan-only sizes.
        package var series: String
        package var quality: Int
        package var images = 0
        package var meanBytes = 0.0
        package var meanBPP = 0.0
        package var meanPSNR = 0.0
        package var identical = 0
        package var meanMSE = 0.0
        package var meanSSIM = 0.0
        /// Over the images large enough for MS-SSIM; nil when none is.
        package var meanMSSSIM: Double?
        package var msSSIMImages = 0
        package var classified = 0
        package var agreement: Double?
        package var labelled = 0
        package var accuracy: Double?
        package var ratio: Double?
    }

    package var images: Int
    package var classified: Int
    package var originalAccuracy: Double?
    package var points: [Point]
    /// Series names in order of appearance: caec models, then baselines.
    package var series: [String]
    /// BD-rate (PSNR) of each caec model against each baseline, and of each baseline but JPEG against the baselines
    /// listed before it in `anchorOrder`; nil when the curves do not overlap.
    package var bdRates: [(test: String, anchor: String, percent: Double?)]
    /// Interpolated bpp at which each series reaches `agreementTarget`; nil if never. `atMost` when its lowest
    /// rate already reaches it.
    package var bppAtAgreement: [(series: String, bpp: Double?, atMost: Bool)]

    package static let baselineNames: Set<String> = ["jpeg", "jpeg-scan", "webp", "avif", "jxl"]
    /// The baselines in the order they appear as BD-rate anchors (columns of the report's table).
    package static let anchorOrder = ["jpeg", "jpeg-scan", "webp", "avif", "jxl"]

    /// Aggregates `rows` (sorted by image index, as `CompareResults` keeps them).
    package init(rows: [CompareRow]) {
        var order: [String] = []
        var byKey: [String: [Int: [CompareRow]]] = [:]
        for row in rows {
            for (name, include) in [(row.method, true), ("jpeg-scan", row.method == "jpeg")] where include {
                if byKey[name] == nil {
                    order.append(name)
                    byKey[name] = [:]
                }
                byKey[name]![row.quality, default: []].append(row)
            }
        }
        let ordered =
            order.filter { !Self.baselineNames.contains($0) } + order.filter { Self.baselineNames.contains($0) }
        series = ordered
        var points: [Point] = []
        for name in ordered {
            for quality in byKey[name]!.keys.sorted() {
                points.append(Self.aggregate(name, quality, byKey[name]![quality]!))
            }
        }
        var seen = Set<Int>()
        var (count, classifiedCount, labelled, correct) = (0, 0, 0, 0)
        for row in rows where seen.insert(row.index).inserted {
            count += 1
            if let original = row.predictionOriginal {
                classifiedCount += 1
                if let label = row.label {
                    labelled += 1
                    if label == original { correct += 1 }
                }
            }
        }
        images = count
        classified = classifiedCount
        originalAccuracy = labelled > 0 ? Double(correct) / Double(labelled) : nil
        if let originalAccuracy, originalAccuracy > 0 {
            for i in points.indices { points[i].ratio = points[i].accuracy.map { $0 / originalAccuracy } }
        }
        let anchors = Self.anchorOrder.filter { ordered.contains($0) }
        var bd: [(String, String, Double?)] = []
        // Every caec model against every baseline; then every baseline but JPEG against the ones before it.
        let tests =
            ordered.filter { !Self.baselineNames.contains($0) } + anchors.filter { $0 != "jpeg" && $0 != "jpeg-scan" }
        for test in tests {
            for anchor in anchors where anchor != test {
                if Self.baselineNames.contains(test), anchors.firstIndex(of: anchor)! > anchors.firstIndex(of: test)! {
                    continue
                }
                bd.append(
                    (test, anchor, BDRate.percent(anchor: Self.curve(points, anchor), test: Self.curve(points, test))))
            }
        }
        bdRates = bd
        let finalPoints = points
        bppAtAgreement =
            classifiedCount == 0
            ? []
            : ordered.map { name in
                let (bpp, atMost) = Self.rateAt(Self.agreementTarget, finalPoints.filter { $0.series == name })
                return (name, bpp, atMost)
            }
        self.points = finalPoints
    }

    static func aggregate(_ name: String, _ quality: Int, _ rows: [CompareRow]) -> Point {
        var p = Point(series: name, quality: quality)
        var (bytes, bpp, psnr, mse, ssim, msssim) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        var (agree, correct) = (0, 0)
        for row in rows {
            let size = name == "jpeg-scan" ? row.scanBytes ?? row.bytes : row.bytes
            bytes += Double(size)
            bpp += Double(size) * 8 / Double(row.pixels)
            psnr += min(row.psnr, psnrCap)
            if row.psnr.isInfinite { p.identical += 1 }
            mse += row.mse
            ssim += row.ssim
            if let m = row.msSSIM {
                msssim += m
                p.msSSIMImages += 1
            }
            if let original = row.predictionOriginal, let prediction = row.prediction {
                p.classified += 1
                if original == prediction { agree += 1 }
                if let label = row.label {
                    p.labelled += 1
                    if label == prediction { correct += 1 }
                }
            }
        }
        let n = Double(rows.count)
        p.images = rows.count
        (p.meanBytes, p.meanBPP, p.meanPSNR, p.meanMSE, p.meanSSIM) = (bytes / n, bpp / n, psnr / n, mse / n, ssim / n)
        p.meanMSSSIM = p.msSSIMImages > 0 ? msssim / Double(p.msSSIMImages) : nil
        p.agreement = p.classified > 0 ? Double(agree) / Double(p.classified) : nil
        p.accuracy = p.labelled > 0 ? Double(correct) / Double(p.labelled) : nil
        return p
    }

    static func curve(_ points: [Point], _ name: String) -> [BDRate.Point] {
        points.filter { $0.series == name }.map { BDRate.Point(rate: $0.meanBPP, psnr: $0.meanPSNR) }
    }

    /// The first crossing of `target` along the curve sorted by rate, linear in bpp between neighbours.
    static func rateAt(_ target: Double, _ points: [Point]) -> (Double?, Bool) {
        firstCrossing(target, points.compactMap { p in p.agreement.map { (bpp: p.meanBPP, value: $0) } })
    }

    /// The lowest bpp at which `curve` (any order; sorted by bpp here) first reaches `target`, linear in bpp between
    /// neighbours; nil if it never does. `atMost` when its lowest-rate point already reaches it.
    package static func firstCrossing(_ target: Double, _ points: [(bpp: Double, value: Double)]) -> (
        bpp: Double?, atMost: Bool
    ) {
        let curve = points.sorted { $0.bpp < $1.bpp }
        guard let first = curve.first else { return (nil, false) }
        if first.value >= target { return (first.bpp, true) }
        for i in 1..<curve.count where curve[i].value >= target {
            let (a, b) = (curve[i - 1], curve[i])
            return (a.bpp + (target - a.value) / (b.value - a.value) * (b.bpp - a.bpp), false)
        }
        return (nil, false)
    }
}
