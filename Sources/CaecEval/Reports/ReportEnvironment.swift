import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where and with what a report was made: date, CPU and library versions, printed at the end of `report.md`.
///
/// Kept out of `summary.json` and the CSV, which stay byte-identical between a run, a resumed run and merged shards.
package struct ReportEnvironment: Sendable {
    /// "2025-01-31 14:05 UTC".
    package var date: String
    /// The CPU's model name, processors online and instruction sets, and the BLAS core.
    package var cpu: String
    /// `name version` per line: the tool, then the image libraries.
    package var software: [String]

    package init(date: String, cpu: String, software: [String]) {
        self.date = date
        self.cpu = cpu
        self.software = software
    }

    /// This machine now, with `tool` ("caec 0.1.0") first among the software.
    package static func current(tool: String) -> ReportEnvironment {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let date =
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)) UTC"
        let blas = BLASBackend.current
        let processors = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        let cpu =
            (blas.cpuModel.isEmpty ? "unknown CPU" : blas.cpuModel) + ", \(processors) processors online ["
            + blas.instructionSets.joined(separator: " ") + "]"
        return ReportEnvironment(
            date: date, cpu: cpu,
            software: [tool] + LibraryVersions.all.map { "\($0.name) \($0.version)" } + [blas.summary])
    }

    /// The markdown section.
    package var markdown: String {
        "## Environment\n\n" + "- date: \(date)\n- CPU: \(cpu)\n" + software.map { "- \($0)\n" }.joined()
    }
}
