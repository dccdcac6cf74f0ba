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

    /// The rows of several shards as one run: sorted by image index (stable within an image).
    package static func merge(_ shards: [[CompareRow]]) throws(CompareDataError) -> [CompareRow] {
        var groups: [(index: Int, rows: [CompareRow])] = []
        var seen = Set<Int>()
        for shard in shards {
            var start = 0
            while start < shard.count {
                var end = start
                while end < shard.count && shard[end].index == shard[start].index { end += 1 }
                guard seen.insert(shard[start].index).inserted else { throw .duplicateImage(index: shard[start].index) }
                groups.append((shard[start].index, Array(shard[start..<end])))
                start = end
            }
        }
        return groups.sorted { $0.index < $1.index }.flatMap(\.rows)
    }

    /// The CSV text of `rows`, header first.
    package static func csv(_ rows: [CompareRow]) -> String {
        var text = CompareRow.csvHeader + "\n"
        for row in rows { text += row.csvLine + "\n" }
        return text
    }
}
