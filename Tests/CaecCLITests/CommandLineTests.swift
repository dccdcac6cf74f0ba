import Foundation
import Testing

@Suite struct CommandLineTests {
    @Test func versionPrintsTheVersion() throws {
        let result = try CaecProcess.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdoutText.hasPrefix("caec "))
        #expect(result.stdoutText.contains("blas: OpenBLAS"))
        #expect(result.stdoutText.contains("cpu: "))
    }

    /// A core chosen in the environment is respected, and reported as such.
    @Test func versionReportsTheBLASCoreFromTheEnvironment() throws {
        let result = try CaecProcess.run(["--version"], environment: ["OPENBLAS_CORETYPE": "Prescott"])
        #expect(result.status == 0)
        #expect(result.stdoutText.contains("core Prescott (from OPENBLAS_CORETYPE)"), "\(result.stdoutText)")
    }

    @Test func unknownSubcommandIsAUsageError() throws {
        let result = try CaecProcess.run(["frobnicate"])
        #expect(result.status == 64)
        #expect(!result.stderr.isEmpty)
    }

    @Test func helpListsExitStatuses() throws {
        let result = try CaecProcess.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdoutText.contains("65 invalid input data"))
    }
}
