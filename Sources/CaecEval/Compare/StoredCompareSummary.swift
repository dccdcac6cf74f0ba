import CaecCore

/// A `caec compare` summary.json read back: what figures built after the run need (the committed reports keep
/// summary.json but not the per-image results.csv).
///
/// Reads what `CompareSummary.json(settings:)` writes: the settings line, the image counts, the judge's accuracy on
/// the originals, and every operating point's series, quality, images, mean bytes, bpp, PSNR, SSIM, agreement,
/// accuracy and performance ratio (null where not measured). Other keys are ignored.
package struct StoredCompareSummary: Sendable {
    package var settings: String
    package var images: Int
    package var classified: Int
    package var originalAccuracy: Double?
    package var points: [CompareSummary.Point]

    /// - Throws: `CompareDataError.malformedSummary` when the text is not JSON or lacks a key the figures need.
    package init(json text: String) throws(CompareDataError) {
        let root: JSONValue
        do { root = try JSONValue.parse(Array(text.utf8)[...]) } catch {
            throw .malformedSummary(reason: "\(error.reason) at byte \(error.offset)")
        }
        guard case .object(let fields) = root else { throw .malformedSummary(reason: "not a JSON object") }
        typealias Members = [(key: String, value: JSONValue)]
        func field(_ name: String, in object: Members) throws(CompareDataError) -> JSONValue {
            guard let value = object.first(where: { $0.key == name })?.value else {
                throw .malformedSummary(reason: "no \"\(name)\"")
            }
            return value
        }
        func number(_ name: String, in object: Members) throws(CompareDataError) -> Double? {
            switch try field(name, in: object) {
            case .number(let text):
                guard let value = Double(text) else { throw .malformedSummary(reason: "\"\(name)\" is out of range") }
                return value
            case .null: return nil
            default: throw .malformedSummary(reason: "\"\(name)\" is not a number")
            }
        }
        func integer(_ name: String, in object: Members) throws(CompareDataError) -> Int {
            guard let value = try number(name, in: object), let exact = Int(exactly: value) else {
                throw .malformedSummary(reason: "\"\(name)\" is not an integer")
            }
            return exact
        }
        guard case .string(let settings) = try field("settings", in: fields) else {
            throw .malformedSummary(reason: "\"settings\" is not a string")
        }
        self.settings = settings
        images = try integer("images", in: fields)
        classified = try integer("classified_images", in: fields)
        originalAccuracy = try number("original_accuracy", in: fields)
        guard case .array(let entries) = try field("operating_points", in: fields) else {
            throw .malformedSummary(reason: "\"operating_points\" is not an array")
        }
        var points: [CompareSummary.Point] = []
        for entry in entries {
            guard case .object(let p) = entry, case .string(let series) = try field("series", in: p) else {
                throw .malformedSummary(reason: "an operating point without a series")
            }
            var point = CompareSummary.Point(series: series, quality: try integer("quality", in: p))
            point.images = try integer("images", in: p)
            point.meanBytes = try number("mean_bytes", in: p) ?? .nan
            point.meanBPP = try number("mean_bpp", in: p) ?? .nan
            point.meanPSNR = try number("mean_psnr", in: p) ?? .nan
            point.meanSSIM = try number("mean_ssim", in: p) ?? .nan
            point.agreement = try number("agreement", in: p)
            point.accuracy = try number("accuracy", in: p)
            point.ratio = try number("performance_ratio", in: p)
            points.append(point)
        }
        self.points = points
    }

    /// Series names in order of first appearance (as `CompareSummary.series`).
    package var series: [String] {
        var seen = Set<String>()
        return points.map(\.series).filter { seen.insert($0).inserted }
    }
}
