import CaecCore

/// One line of `caec compare`'s per-image CSV: one image at one operating point of one method.
///
/// Every number is written with fixed decimals (`csvLine`) and the summary is always computed from the parsed text,
/// so a run, a resumed run and merged shards give the same bytes.
package struct CompareRow: Sendable, Equatable {
    /// The image's position in the whole input list (0-based), across shards.
    package var index: Int
    /// The file's path, or `cifar-test/<index>` for CIFAR-10.
    package var image: String
    package var width: Int
    package var height: Int
    /// The true class, when known (CIFAR-10).
    package var label: Int?
    /// A caec model id, `jpeg` or `webp`.
    package var method: String
    package var quality: Int
    /// Whole-file size.
    package var bytes: Int
    /// JPEG only: bytes after the SOS header (see `JPEGScan`).
    package var scanBytes: Int?
    package var mse: Double
    package var psnr: Double
    package var ssim: Double
    package var msSSIM: Double?
    /// The classifier's top-1 class on the original and on the reconstruction, when it ran.
    package var predictionOriginal: Int?
    package var prediction: Int?

    package var pixels: Int { width * height }
    package var bpp: Double { Double(bytes) * 8 / Double(pixels) }
    package var scanBPP: Double? { scanBytes.map { Double($0) * 8 / Double(pixels) } }

    package static let csvHeader =
        "index,image,width,height,label,method,quality,bytes,scan_bytes,bpp,scan_bpp,mse,psnr,ssim,ms_ssim,"
        + "pred_original,pred"

    package var csvLine: String {
        func opt(_ v: Int?) -> String { v.map(String.init) ?? "" }
        let fields = [
            String(index), CSV.quote(image), String(width), String(height), opt(label), CSV.quote(method),
            String(quality), String(bytes), opt(scanBytes), NumberFormat.fixed(bpp, 6),
            scanBPP.map { NumberFormat.fixed($0, 6) } ?? "", NumberFormat.fixed(mse, 6), NumberFormat.fixed(psnr, 6),
            NumberFormat.fixed(ssim, 8), msSSIM.map { NumberFormat.fixed($0, 8) } ?? "", opt(predictionOriginal),
            opt(prediction),
        ]
        return fields.joined(separator: ",")
    }

    /// Parses a line written by `csvLine`.
    package init(csvLine line: Substring) throws(CompareDataError) {
        let f = try CSV.fields(line)
        guard f.count == 17 else { throw .malformedRow(line: String(line), reason: "\(f.count) fields, expected 17") }
        func int(_ i: Int) throws(CompareDataError) -> Int {
            guard let v = Int(f[i]) else { throw .malformedRow(line: String(line), reason: "field \(i + 1)") }
            return v
        }
        func optInt(_ i: Int) throws(CompareDataError) -> Int? { f[i].isEmpty ? nil : try int(i) }
        func double(_ i: Int) throws(CompareDataError) -> Double {
            guard let v = NumberFormat.parse(f[i][...]) else {
                throw .malformedRow(line: String(line), reason: "field \(i + 1)")
            }
            return v
        }
        index = try int(0)
        image = f[1]
        width = try int(2)
        height = try int(3)
        label = try optInt(4)
        method = f[5]
        quality = try int(6)
        bytes = try int(7)
        scanBytes = try optInt(8)
        mse = try double(11)
        psnr = try double(12)
        ssim = try double(13)
        msSSIM = f[14].isEmpty ? nil : try double(14)
        predictionOriginal = try optInt(15)
        prediction = try optInt(16)
        guard width > 0, height > 0, index >= 0 else { throw .malformedRow(line: String(line), reason: "bad size") }
    }

    package init(
        index: Int, image: String, width: Int, height: Int, label: Int?, method: String, quality: Int, bytes: Int,
        scanBytes: Int?, mse: Double, psnr: Double, ssim: Double, msSSIM: Double?, predictionOriginal: Int?,
        prediction: Int?
    ) {
        self.index = index
        self.image = image
        self.width = width
        self.height = height
        self.label = label
        self.method = method
        self.quality = quality
        self.bytes = bytes
        self.scanBytes = scanBytes
        self.mse = mse
        self.psnr = psnr
        self.ssim = ssim
        self.msSSIM = msSSIM
        self.predictionOriginal = predictionOriginal
        self.prediction = prediction
    }
}

/// A failure reading back results of `caec compare` (its CSV or run description).
package enum CompareDataError: Error, Equatable, CustomStringConvertible {
    case malformedRow(line: String, reason: String)
    case wrongHeader(found: String)
    /// The results were made with other settings than this run's.
    case settingsMismatch(expected: String, found: String)
    /// Two merged runs hold the same method for the same image.
    case duplicateImage(index: Int, method: String)
    /// After a merge, an image lacks a method/quality that other images have.
    case incompleteImage(index: Int, missing: String)
    /// Two merged runs give the same image index to other images.
    case imageMismatch(index: Int, names: [String])
    /// A summary.json that cannot be read back.
    case malformedSummary(reason: String)

    package var description: String {
        switch self {
        case .malformedRow(let line, let reason): "malformed row (\(reason)): \(line.prefix(80))"
        case .wrongHeader(let found): "not a caec compare CSV (header: \(found.prefix(80)))"
        case .settingsMismatch(let expected, let found):
            "results were made with other settings (\(found)); this run has \(expected)"
        case .duplicateImage(let index, let method): "image \(index) has \(method) results in more than one run"
        case .incompleteImage(let index, let missing):
            "image \(index) has no \(missing) results, which other images have (the runs cover other images)"
        case .imageMismatch(let index, let names):
            "image \(index) is \(names.joined(separator: " in one run and ")) in another (other inputs)"
        case .malformedSummary(let reason): "not a caec compare summary.json (\(reason))"
        }
    }
}

/// RFC 4180 quoting for the few text fields.
enum CSV {
    static func quote(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    static func fields(_ line: Substring) throws(CompareDataError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                } else {
                    current.append(c)
                }
            } else if c == "\"" && current.isEmpty {
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        guard !quoted else { throw .malformedRow(line: String(line), reason: "unterminated quote") }
        fields.append(current)
        return fields
    }
}
