/// The per-image CSV of `caec compare` as data: parsing, resuming and merging.
///
/// Rows of one image are contiguous and in `ComparePlan.keys` order; images appear in increasing index order.
/// An image counts as done only when all its rows are present, so a file cut anywhere (even mid-line) resumes to
/// the same bytes as an uninterrupted run.
package enum CompareResults {
    /// Parses a whole CSV text. A last line without its newline is ignored (an interrupted write).
    package static func parse(_ text: String) throws(CompareDataError) -> [CompareRow] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let header = lines.first else { return [] }
        guard header == CompareRow.csvHeader else { throw .wrongHeader(found: String(header)) }
        lines.removeFirst()
        if !text.hasSuffix("\n") || lines.last == "" { lines.removeLast() }
        var rows: [CompareRow] = []
        for line in lines {
            rows.append(try CompareRow(csvLine: line))
        }
        return rows
    }

    /// The rows of the images that are complete for `keys`, in file order; later rows of incomplete images are
    /// dropped. Throws if a row's method/quality is not in `keys` (other settings).
    package static func completeImages(
        _ rows: [CompareRow], keys: [RowKey], settings: String
    ) throws(CompareDataError) -> (rows: [CompareRow], done: Set<Int>) {
        let known = Set(keys)
        var kept: [CompareRow] = []
        var done = Set<Int>()
        var start = 0
        while start < rows.count {
            var end = start
            while end < rows.count && rows[end].index == rows[start].index { end += 1 }
            let group = rows[start..<end]
            for row in group where !known.contains(RowKey(method: row.method, quality: row.quality)) {
                throw .settingsMismatch(expected: settings, found: "rows for \(row.method) q\(row.quality)")
            }
            if group.map({ RowKey(method: $0.method, quality: $0.quality) }) == keys {
                kept += group
                done.insert(rows[start].index)
            }
            start = end
        }
        return (kept, done)
    }

    /// The rows of several runs on the same inputs as one run. The runs may split the images (`--shard K/N`), the
    /// methods (`--only`), or both; every image of the result must have every method and quality some run has.
    /// Rows are sorted by image index, and within an image by method, in the order the methods first appear in
    /// `runs` (qualities keep their order).
    /// - Throws: `.duplicateImage` if two runs hold the same method for the same image, `.incompleteImage` if an
    ///   image lacks a method/quality another image has (the runs cover different images), `.imageMismatch` if two
    ///   runs name the same index differently (other inputs).
    package static func merge(_ runs: [[CompareRow]]) throws(CompareDataError) -> [CompareRow] {
        var methodRank: [String: Int] = [:]
        var images: [Int: [CompareRow]] = [:]
        var seen = Set<ImageMethod>()
        // Every method/quality of any run, in the order the runs give them (so the one reported missing is too).
        var allKeys: [RowKey] = []
        var known = Set<RowKey>()
        for run in runs {
            var inRun = Set<ImageMethod>()
            for row in run {
                if methodRank[row.method] == nil { methodRank[row.method] = methodRank.count }
                let key = RowKey(method: row.method, quality: row.quality)
                if known.insert(key).inserted { allKeys.append(key) }
                let pair = ImageMethod(index: row.index, method: row.method)
                if seen.contains(pair) { throw .duplicateImage(index: row.index, method: row.method) }
                inRun.insert(pair)
                if let first = images[row.index]?.first, first.image != row.image {
                    throw .imageMismatch(index: row.index, names: [first.image, row.image])
                }
                images[row.index, default: []].append(row)
            }
            seen.formUnion(inRun)
        }
        var merged: [CompareRow] = []
        for index in images.keys.sorted() {
            var group = images[index]!
            // A stable sort by method rank: Swift's sort is not guaranteed stable, so rank ties by position.
            group = group.enumerated().sorted {
                (methodRank[$0.element.method]!, $0.offset) < (methodRank[$1.element.method]!, $1.offset)
            }.map(\.element)
            let present = Set(group.map { RowKey(method: $0.method, quality: $0.quality) })
            if let missing = allKeys.first(where: { !present.contains($0) }) {
                throw .incompleteImage(index: index, missing: "\(missing.method) q\(missing.quality)")
            }
            merged += group
        }
        return merged
    }

    private struct ImageMethod: Hashable {
        var index: Int
        var method: String
    }

    /// The CSV text of `rows`, header first.
    package static func csv(_ rows: [CompareRow]) -> String {
        var text = CompareRow.csvHeader + "\n"
        for row in rows { text += row.csvLine + "\n" }
        return text
    }
}
