import Caec
import CaecCore

/// A codec `caec compare` measures: a caec model at its qualities, or a baseline at a quality ladder.
package enum CompareMethod: Sendable {
    /// A caec model at `qualities` (nil: all of its qualities; else a subset of them, in increasing order); with
    /// `effort` above 0 its encoder searches (`CaecCodec.encode(_:quality:effort:)`), and the series is named
    /// `<model id>@e<effort>`.
    case caec(CaecCodec, effort: Int = 0, qualities: [Int]? = nil)
    /// libjpeg-turbo, 4:2:0, optimised Huffman tables (see `JPEGBaseline`).
    case jpeg(qualities: [Int])
    /// libwebp lossy, method 6 (see `WebPCodec`).
    case webp(qualities: [Int])
    /// libavif with libaom, speed 6, 4:2:0 (see `AVIFCodec`).
    case avif(qualities: [Int])
    /// libjxl, effort 7 (see `JXLCodec`).
    case jxl(qualities: [Int])

    /// The name in the CSV: the model id, `jpeg`, `webp`, `avif` or `jxl`.
    package var name: String {
        switch self {
        case .caec(let codec, let effort, _): effort > 0 ? "\(codec.modelID)@e\(effort)" : codec.modelID
        case .jpeg: "jpeg"
        case .webp: "webp"
        case .avif: "avif"
        case .jxl: "jxl"
        }
    }

    package var qualities: [Int] {
        switch self {
        case .caec(let codec, _, let qualities): qualities ?? Array(codec.qualities)
        case .jpeg(let qualities), .webp(let qualities), .avif(let qualities), .jxl(let qualities): qualities
        }
    }
}

extension CompareMethod {
    /// The baselines named in `only` (all when nil), each with its ladder from `qualities` (keyed by name:
    /// `jpeg`, `webp`, `avif`, `jxl`) or its default ladder.
    package static func baselines(only: Set<String>?, qualities: [String: [Int]] = [:]) -> [CompareMethod] {
        let all: [(String, ([Int]) -> CompareMethod, [Int])] = [
            ("jpeg", { .jpeg(qualities: $0) }, JPEGBaseline.defaultQualities),
            ("webp", { .webp(qualities: $0) }, JPEGBaseline.defaultQualities),
            ("avif", { .avif(qualities: $0) }, AVIFCodec.defaultQualities),
            ("jxl", { .jxl(qualities: $0) }, JXLCodec.defaultQualities),
        ]
        return all.filter { only?.contains($0.0) ?? true }.map { name, make, ladder in make(qualities[name] ?? ladder) }
    }
}

/// What one run of `caec compare` measures on every image.
package struct ComparePlan: Sendable {
    package var methods: [CompareMethod]
    /// Classifies 32x32 images (original and reconstructions) when present.
    package var classifier: ImageClassifier?

    package init(methods: [CompareMethod], classifier: ImageClassifier?) {
        self.methods = methods
        self.classifier = classifier
    }

    /// The (method, quality) pairs every image gets a row for, in row order.
    package var keys: [RowKey] { methods.flatMap { m in m.qualities.map { RowKey(method: m.name, quality: $0) } } }

    /// A one-line description of the settings results depend on; a resumed or merged run must match it.
    package var settings: String {
        let methodText = methods.map { "\($0.name):" + $0.qualities.map(String.init).joined(separator: "/") }
        return "methods=" + methodText.joined(separator: ",") + " classifier=" + (classifier?.id ?? "none")
    }
}

extension ComparePlan {
    /// The settings line of several runs merged into one (`caec compare merge`): their methods together, in the
    /// order they first appear in `lines`; the rest of each line (classifier, inputs) must be the same.
    /// - Parameter lines: the settings lines (`CompareRun.settings`, the first line of `run.txt`) of the runs.
    /// - Throws: `.settingsMismatch` when two lines differ in more than their methods, or give one method other
    ///   qualities.
    package static func mergedSettings(_ lines: [String]) throws(CompareDataError) -> String {
        var rest: String?
        var methods: [Substring] = []
        for line in lines {
            guard line.hasPrefix("methods="), let space = line.firstIndex(of: " ") else {
                throw .settingsMismatch(expected: "methods=... classifier=...", found: line)
            }
            let tail = String(line[space...])
            if let rest, rest != tail { throw .settingsMismatch(expected: rest, found: tail) }
            rest = tail
            for item in line[..<space].dropFirst("methods=".count).split(separator: ",") {
                let name = item.prefix { $0 != ":" }
                if let other = methods.first(where: { $0.prefix { $0 != ":" } == name }) {
                    if other != item { throw .settingsMismatch(expected: String(other), found: String(item)) }
                } else {
                    methods.append(item)
                }
            }
        }
        return "methods=" + methods.joined(separator: ",") + (rest ?? "")
    }
}

/// A row's method and quality.
package struct RowKey: Hashable, Sendable {
    package var method: String
    package var quality: Int

    package init(method: String, quality: Int) {
        self.method = method
        self.quality = quality
    }
}

/// One input image of a comparison.
package struct CompareItem: Sendable {
    package var index: Int
    package var name: String
    package var image: RGBImage
    package var label: Int?

    package init(index: Int, name: String, image: RGBImage, label: Int?) {
        self.index = index
        self.name = name
        self.image = image
        self.label = label
    }
}
