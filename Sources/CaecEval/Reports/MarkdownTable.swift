/// A GitHub-flavoured markdown table with right-aligned numeric columns.
package struct MarkdownTable: Sendable {
    package var header: [String]
    package var rows: [[String]]
    /// Columns (by index) aligned left; the others are right-aligned.
    package var leftAligned: Set<Int>

    package init(header: [String], rows: [[String]] = [], leftAligned: Set<Int> = [0]) {
        self.header = header
        self.rows = rows
        self.leftAligned = leftAligned
    }

    /// The table as markdown lines, each ending in a newline; `|` inside cells is escaped.
    package func render() -> String {
        func line(_ cells: [String]) -> String {
            let padded = (0..<header.count).map { $0 < cells.count ? cells[$0] : "" }
            return "| " + padded.map { $0.replacing("|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        var text = line(header)
        text += "|" + (0..<header.count).map { leftAligned.contains($0) ? ":---|" : "---:|" }.joined() + "\n"
        for row in rows { text += line(row) }
        return text
    }
}
