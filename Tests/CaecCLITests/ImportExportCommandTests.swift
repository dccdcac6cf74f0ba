import CaecModel
import CaecTestSupport
import Foundation
import Testing

/// `caec import` and `caec export` as a user runs them (README, "Bringing a CompressAI model into caec"): the
/// imported weights encode and decode, export + import is lossless, and bad checkpoints give one line and 65 or 78
/// with no output written.
@Suite struct ImportExportCommandTests {
    static func fixture(_ name: String) -> String { Golden.url("Tests/Fixtures/compressai/" + name).path }

    @Test func importEncodeDecodeExportReimport() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let checkpoint = Self.fixture("bmshj2018-hyperprior.safetensors")
        let models = directory.path("models")
        var result = try CaecProcess.run([
            "import", "compressai", checkpoint, "--arch", "bmshj2018-hyperprior", "--out", models,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let image = Golden.url("Samples/images/kodim23-crop256.png").path
        result = try CaecProcess.run([
            "encode", image, "-o", directory.path("a.cae"), "--models", models, "--model", "bmshj2018-hyperprior",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CaecProcess.run([
            "decode", directory.path("a.cae"), "-o", directory.path("a.png"), "--models", models,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path("a.png")))

        let weights = models + "/bmshj2018-hyperprior.caew"
        result = try CaecProcess.run([
            "export", weights, "--format", "safetensors", "--out", directory.path("x.safetensors"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CaecProcess.run([
            "import", "compressai", directory.path("x.safetensors"), "--arch", "bmshj2018-hyperprior", "--out",
            directory.path("again"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let first = try Data(contentsOf: URL(fileURLWithPath: weights))
        let second = try Data(contentsOf: URL(fileURLWithPath: directory.path("again/bmshj2018-hyperprior.caew")))
        #expect(first == second)
    }

    /// `caec models` lists an imported model present in the models folder (kind compressai, widths, qualities,
    /// file), none that is absent, and says why a present one does not load.
    @Test func modelsListsImportedModels() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let models = directory.path("models")
        let checkpoint = Self.fixture("bmshj2018-factorized.safetensors")
        var result = try CaecProcess.run([
            "import", "compressai", checkpoint, checkpoint, "--arch", "bmshj2018-factorized", "--out", models,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CaecProcess.run(["models", "--models", models])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        let row = try #require(lines.first { $0.hasPrefix("bmshj2018-factorized ") }, "\(result.stdoutText)")
        let fields = row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        // Two qualities of N 8, M 12: 2 x 13,591 parameters (CompressAI's FactorizedPrior at these widths).
        #expect(Array(fields.prefix(5)) == ["bmshj2018-factorized", "compressai", "16", "27182", "1-2"], "\(row)")
        #expect(row.contains(models + "/bmshj2018-factorized.caew (") && row.hasSuffix(", N 8, M 12"), "\(row)")
        #expect(!lines.contains { $0.hasPrefix("bmshj2018-hyperprior") })
        #expect(lines.contains { $0.hasPrefix("bmshj-f-vr ") && $0.hasSuffix("missing") })

        try Data("CAEW".utf8).write(to: URL(fileURLWithPath: models + "/bmshj2018-hyperprior.caew"))
        result = try CaecProcess.run(["models", "--models", models])
        #expect(result.status == 0, "\(result.stderr)")
        let broken = result.stdoutText.split(separator: "\n").first { $0.hasPrefix("bmshj2018-hyperprior ") }
        #expect(
            broken?.contains("compressai") == true && broken?.contains("unreadable: ") == true, "\(result.stdoutText)")
    }

    /// (file bytes, --arch, expected status, expected words in the message)
    @Test func badCheckpointsGiveOneLineAndNoOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = try Golden.required("Tests/Fixtures/compressai/bmshj2018-factorized.safetensors")
        var file = try SafeTensors(parsing: good)
        file.tensors.removeAll { $0.name == "g_s.4.weight" }
        let missing = file.serialized()
        var nan = good
        nan.replaceSubrange(nan.count - 4..<nan.count, with: [0x00, 0x00, 0xC0, 0x7F])
        let cases: [(name: String, bytes: [UInt8], arch: String, status: Int32, words: String)] = [
            ("truncated", Array(good.prefix(good.count / 2)), "bmshj2018-factorized", 65, "truncated"),
            ("garbage", Array("not a safetensors file".utf8), "bmshj2018-factorized", 65, "safetensors"),
            ("missing", missing, "bmshj2018-factorized", 78, "lacks tensor 'g_s.4.weight'"),
            ("nan", nan, "bmshj2018-factorized", 78, "non-finite"),
            ("otherarch", good, "bmshj2018-hyperprior", 78, "holds a 'bmshj2018-factorized' model"),
        ]
        for item in cases {
            let path = directory.path(item.name + ".safetensors")
            try Data(item.bytes).write(to: URL(fileURLWithPath: path))
            let out = directory.path("out-" + item.name)
            let result = try CaecProcess.run(["import", "compressai", path, "--arch", item.arch, "--out", out])
            #expect(result.status == item.status, "\(item.name): \(result.stderr)")
            #expect(result.stderr.hasPrefix("caec: error: \(path): "), "\(item.name): \(result.stderr)")
            #expect(result.stderr.contains(item.words), "\(item.name): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: out), "\(item.name) left \(out)")
        }
        let unknown = try CaecProcess.run([
            "import", "compressai", Self.fixture("bmshj2018-factorized.safetensors"), "--arch", "mbt2018",
            "--out", directory.path("u"),
        ])
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown architecture 'mbt2018'"))
    }

    /// The CIFAR-10 families from the shipped weights: export, import back (the tensor data, so the fingerprint,
    /// unchanged), and bad files refused with 78 and one line naming the file.
    @Test(arguments: ["cae-r8", "lenet5"])
    func cifarModelsExportAndImportBack(id: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let exported = directory.path("\(id).safetensors")
        var result = try CaecProcess.run([
            "export", id, "--models", Golden.url("Models").path, "--format", "safetensors", "--out", exported,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        result = try CaecProcess.run(["import", "safetensors", exported, "--out", directory.path("back")])
        #expect(result.status == 0, "\(result.stderr)")
        let shipped = try WeightsFile(parsing: Golden.required("Models/\(id).caew"))
        let back = try WeightsFile(
            parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.path("back/\(id).caew")))))
        #expect(back.tensors == shipped.tensors && back.fingerprint == shipped.fingerprint)

        var file = try SafeTensors(parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: exported))))
        let victim = id == "lenet5" ? "fc2.weight" : "dec.0.weight"
        var reshaped = file
        let index = try #require(reshaped.tensors.firstIndex { $0.name == victim })
        reshaped.tensors[index].shape = [reshaped.tensors[index].values.count]
        file.tensors.removeAll { $0.name == victim }
        for (name, bad) in [("missing", file), ("reshaped", reshaped)] {
            let path = directory.path("\(name).safetensors")
            try Data(bad.serialized()).write(to: URL(fileURLWithPath: path))
            let out = directory.path("out-" + name)
            result = try CaecProcess.run(["import", "safetensors", path, "--out", out])
            #expect(result.status == 78, "\(name): \(result.stderr)")
            #expect(result.stderr.hasPrefix("caec: error: \(path): ") && result.stderr.contains(victim))
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: out), "\(name) left \(out)")
        }
    }
}
