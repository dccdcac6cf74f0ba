/// Progress on standard error: one line redrawn in place on a terminal, else a line every few seconds.
struct ProgressLine {
    private let isTerminal = POSIX.standardErrorIsTerminal
    private var lastPrint: Double = -1
    private var drawn = false
    let quiet: Bool
    let interval: Double

    init(quiet: Bool = false, interval: Double = 10) {
        self.quiet = quiet
        self.interval = interval
    }

    /// Shows `text`; on a non-terminal only if `interval` seconds passed since the last line, or `force`.
    mutating func update(_ text: String, force: Bool = false) {
        guard !quiet else { return }
        let now = Clock.seconds()
        if isTerminal {
            printStderr("\r\u{1B}[2K" + text, newline: false)
            drawn = true
        } else if force || lastPrint < 0 || now - lastPrint >= interval {
            printStderr(text, newline: true)
            lastPrint = now
        }
    }

    /// Ends the redrawn line (if any) and prints `text` as a permanent line.
    mutating func finish(_ text: String) {
        guard !quiet else { return }
        if isTerminal && drawn { printStderr("\r\u{1B}[2K", newline: false) }
        drawn = false
        printStderr(text, newline: true)
        lastPrint = Clock.seconds()
    }

    private func printStderr(_ text: String, newline: Bool) {
        var line = text
        if newline { line.append("\n") }
        POSIX.writeStandardError(line)
    }
}

/// "1h02m", "3m05s", "42s".
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s >= 3600 { return "\(s / 3600)h" + pad2((s % 3600) / 60) + "m" }
    if s >= 60 { return "\(s / 60)m" + pad2(s % 60) + "s" }
    return "\(s)s"
}

private func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
