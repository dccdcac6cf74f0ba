import Caec
import CaecFuzzing
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
}
