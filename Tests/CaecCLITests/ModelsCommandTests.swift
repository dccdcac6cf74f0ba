import CaecTestSupport
import Foundation
import Testing

@Suite struct ModelsCommandTests {
    @Test func shippedModelsShowTheirQualityScaleAndTheDefault() throws {
        let result = try CaecProcess.run(["models", "--models", Golden.url("Models").path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        func fields(_ id: String) -> [String] {
            let row = lines.first { $0.hasPrefix(id + " ") } ?? ""
            return row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        // id, kind, rate, params, qualities...: the hyperprior interpolates its gains between trained qualities;
        // the factorized model has tables for its trained qualities only, so its weights file comes next.
        #expect(Array(fields("bmshj-hp-vr").dropFirst(4).prefix(2)) == ["1-8", "continuous"], "\(lines)")
        let factorized = fields("bmshj-f-vr")
        #expect(
            factorized.count > 5 && factorized[4] == "1-8" && factorized[5].hasSuffix("bmshj-f-vr.caew"), "\(lines)")
        // No weights are shipped for the wide hyperprior yet: listed with its key table's size, as missing.
        #expect(fields("bmshj-hp-vr-n128") == ["bmshj-hp-vr-n128", "hyperprior", "16", "3158339", "-", "missing"])
        #expect(
            lines.last
                == "default model (caec encode without --model): bmshj-hp-vr (bmshj-f-vr for images under 96x96 pixels)",
            "\(lines)")
    }

    /// A models folder that does not exist still lists every model (as missing), and says why on standard error.
    @Test func missingFolderIsNamed() throws {
        let result = try CaecProcess.run(["models", "--models", "/nonexistent-caec-models"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("/nonexistent-caec-models: no such folder"), "\(result.stderr)")
        #expect(result.stdoutText.contains("missing"))
    }
}
