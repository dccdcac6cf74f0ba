/// Writes one line to standard error.
func printError(_ line: String) {
    POSIX.writeStandardError(line + "\n")
}

/// Prints `caec: warning: <path>: <message>` on standard error.
func printWarning(path: String, _ message: String) {
    printError("caec: warning: \(path): \(message)")
}
