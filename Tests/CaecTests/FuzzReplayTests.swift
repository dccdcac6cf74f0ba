import Caec
import CaecFuzzing
import CaecModel
import CaecTestSupport
import Foundation
import Testing

/// Every fuzzing corpus file and every kept crasher runs through its target without trapping.
@Suite struct FuzzReplayTests {
    static func files(_ folder: String) -> [String] {
        let url = Golden.url(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder + "/" + $0 }
    }

    @Test func corporaAreNotEmpty() {
        #expect(!Self.files("Fuzz/corpus/container").isEmpty)
        #expect(!Self.files("Fuzz/corpus/payload").isEmpty)
        #expect(!Self.files("Fuzz/corpus/weights").isEmpty)
    }

    @Test func containerCorpusAndCrashersReplay() throws {
        let codec = try ShippedCodecs.codec("cae-r8")
        for path in Self.files("Fuzz/corpus/container") + Self.files("Fuzz/crashers") {
            FuzzTargets.container(try Golden.required(path), codec: codec)
        }
    }

    @Test func payloadCorpusAndCrashersReplay() throws {
        let codec = try ShippedCodecs.codec("cae-r8")
        for path in Self.files("Fuzz/corpus/payload") + Self.files("Fuzz/crashers") {
            FuzzTargets.payload(try Golden.required(path), codec: codec)
        }
    }

    /// Every weights seed runs through `FuzzTargets.weights`; the valid seeds get through every stage (so the target
    /// reaches the importer and the codec), the malformed ones through none.
    @Test func weightsCorpusAndCrashersReplay() throws {
        for path in Self.files("Fuzz/corpus/weights") + Self.files("Fuzz/crashers") {
            let stages = FuzzTargets.weights(try Golden.required(path))
            let name = path.split(separator: "/").last.map(String.init) ?? path
            switch name {
            case "st-compressai-factorized", "st-compressai-hyperprior":
                let arch = name == "st-compressai-factorized" ? "bmshj2018-factorized" : "bmshj2018-hyperprior"
                #expect(stages == ["safetensors", "import \(arch)", "codec \(arch)", "round trip \(arch)"], "\(name)")
            case "caew-factorized", "caew-hyperprior": #expect(stages == ["codec", "round trip"], "\(name)")
            case "st-python-dtypes": #expect(stages == ["safetensors"])
            case _ where name.hasPrefix("st-") || name.hasPrefix("caew-"): #expect(stages.isEmpty, "\(name): \(stages)")
            default: break
            }
        }
    }

    /// An imported model's widths come from its metadata: a small file declaring N = M = 1024 and 63 qualities
    /// (about 10^10 floats) is refused by its first tensor's shape before any layout is allocated.
    @Test func declaredWidthsAreCheckedBeforeAllocating() throws {
        let bytes = try Golden.required("Fuzz/corpus/weights/caew-declared-widths-huge")
        let file = try WeightsFile(parsing: bytes)
        let network = try #require(try ModelRegistry.codecNetwork(for: file))
        #expect(network.parameterSpecs.reduce(0) { $0 + $1.count } > 5_000_000_000)
        #expect(throws: WeightsError.shapeMismatch(name: "q1.g_a.0.weight", expected: [1024, 3, 5, 5], found: [1])) {
            try Parameters(loading: file, modelID: file.modelID, specs: network.parameterSpecs)
        }
        #expect(throws: CaecError.self) { try CaecCodec(weights: bytes) }
    }
}
