import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

/// `ModelImport` and `ModelExport` (Spec/safetensors.md §5): lossless round trips, and each bad checkpoint refused
/// with the error naming it.
@Suite struct ModelInterchangeTests {
    static let directory = "Tests/Fixtures/compressai/"

    static func source(_ family: CompressAIArchitecture.Family) throws -> ModelImport.Source {
        let name = family.rawValue + ".safetensors"
        return try ModelImport.Source(path: name, bytes: Golden.required(directory + name))
    }

    /// import -> export -> import: the second weights file is byte-identical to the first (tensors, codec tables
    /// and metadata), and the exported file holds the checkpoint's tensors (GDN effective -> stored -> effective
    /// within one rounding).
    @Test(arguments: CompressAIArchitecture.Family.allCases)
    func exportThenImportIsLossless(family: CompressAIArchitecture.Family) throws {
        let original = try Self.source(family)
        let imported = try ModelImport.compressAI([original], family: family)
        let exported = try ModelExport.safeTensors(imported)
        #expect(exported.metadata["arch"] == family.rawValue && exported.metadata["N"] == "8")
        let again = try ModelImport.compressAI(
            [ModelImport.Source(path: "exported", bytes: exported.serialized())], family: family)
        #expect(again.serialized() == imported.serialized())
        #expect(try ModelExport.safeTensors(again).serialized() == exported.serialized())
        for entry in original.file.tensors {
            let back = try #require(exported.tensor(entry.name), "export lacks \(entry.name)")
            #expect(back.shape == entry.shape, "\(entry.name)")
            // caec's scale table is CompressAI's default computed in binary64 (CompressAI's in float32).
            let tolerance: Float = entry.name == "gaussian_conditional.scale_table" ? 1e-5 : 2e-7
            let close = zip(back.values, entry.values).allSatisfy { abs($0 - $1) <= tolerance * max(abs($1), 1e-3) }
            #expect(close, "\(entry.name) changed beyond one rounding")
        }
    }

    /// Two checkpoints make a model of two qualities, each exported back on its own.
    @Test func severalCheckpointsMakeQualities() throws {
        let source = try Self.source(.factorized)
        let imported = try ModelImport.compressAI([source, source], family: .factorized)
        #expect(imported.metadata("qualities") == "2")
        #expect(imported.tensors.contains { $0.name == "q2.g_a.0.weight" })
        #expect(imported.tensors.contains { $0.name == "codec.q2.tables" })
        let second = try ModelExport.safeTensors(imported, quality: 2)
        #expect(second.serialized() == (try ModelExport.safeTensors(imported, quality: 1)).serialized())
        #expect(throws: InterchangeError.self) { try ModelExport.safeTensors(imported) }
    }

    /// caec's own bmshj-f-vr, exported and imported back, computes exactly as the shipped weights: every tensor bit
    /// for bit (codec tables included, rebuilt as training built them) except GDN's stored values, whose effective
    /// values (what the layer computes with) are bit-identical; the stored ones may differ where the
    /// reparametrisation is flat (stored values below its bound, effective = minimum) or two stored values round to
    /// one effective value. The weights file's metadata comes back (`source` aside). Exporting again gives the same
    /// bytes.
    @Test func shippedFactorizedModelRoundTrips() throws {
        let shipped = try WeightsFile(parsing: try Golden.required("Models/bmshj-f-vr.caew"))
        let exported = try ModelExport.safeTensors(shipped)
        let back = try ModelImport.caecModel(ModelImport.Source(path: "exported", bytes: exported.serialized()))
        #expect(back.modelID == "bmshj-f-vr")
        #expect(back.tensors.map(\.name) == shipped.tensors.map(\.name))
        let differing = zip(back.tensors, shipped.tensors).filter { $0 != $1 }.map(\.0.name)
        #expect(differing.allSatisfy { Parameters.gdnMinimum(forKey: $0) != nil }, "differ: \(differing)")
        let kept = shipped.metadata.filter { $0.key != "source" }
        #expect(back.metadata.dropFirst().map(\.key) == kept.map(\.key).sorted())
        #expect(kept.allSatisfy { back.metadata($0.key) == $0.value })
        #expect(try ModelExport.safeTensors(back).serialized() == exported.serialized())
    }

    /// caec's bmshj-hp-vr (no weights are shipped: fresh parameters) exports with its weights-file metadata as
    /// `caew.<key>` entries and imports back with it restored, its codec tables rebuilt, and every parameter's
    /// effective value unchanged: exporting again gives the same bytes.
    @Test func hyperpriorModelRoundTripsWithItsMetadata() throws {
        let model = try #require(ModelRegistry.hyperprior("bmshj-hp-vr"))
        let original = model.initialParameters(seed: 7).weightsFile(
            modelID: "bmshj-hp-vr",
            metadata: [("trained_by", "caec train --model bmshj-hp-vr"), ("lambdas", "0.0004 0.13"), ("source", "x")])
        let exported = try ModelExport.safeTensors(original)
        #expect(exported.metadata["arch"] == "bmshj-hp-vr" && exported.metadata["qualities"] == "8")
        #expect(exported.metadata["caew.lambdas"] == "0.0004 0.13" && exported.metadata["caew.source"] == nil)
        #expect(exported.tensors.map(\.name) == model.parameterSpecs.map(\.name))
        let back = try ModelImport.caecModel(ModelImport.Source(path: "hp.safetensors", bytes: exported.serialized()))
        #expect(back.modelID == "bmshj-hp-vr")
        #expect(back.metadata.map(\.key) == ["source", "lambdas", "trained_by"])
        #expect(back.metadata("source") == "safetensors" && back.metadata("lambdas") == "0.0004 0.13")
        #expect(back.tensors.contains { $0.name == "codec.gaussian.tables" })
        #expect(back.tensors.contains { $0.name == "codec.q8.tables" })
        for tensor in original.tensors {
            let other = try #require(back.tensors.first { $0.name == tensor.name })
            #expect(other == tensor || Parameters.gdnMinimum(forKey: tensor.name) != nil, "\(tensor.name) changed")
        }
        let again = try ModelExport.safeTensors(back)
        #expect(again.tensors == exported.tensors)
        #expect(again.metadata["caew.trained_by"] == "caec train --model bmshj-hp-vr")

        var long = exported
        long.metadata["caew.notes"] = String(repeating: "x", count: 70_000)
        let error = Self.reason {
            _ = try ModelImport.caecModel(ModelImport.Source(path: "long.safetensors", bytes: long.serialized()))
        }
        #expect(
            error?.kind == .badModel && error?.reason.contains("caew.notes") == true, "\(String(describing: error))")
    }

    /// `name`'s entry replaced (or removed, for nil) in the factorized fixture.
    static func edited(_ change: (inout SafeTensors) -> Void) throws -> ModelImport.Source {
        var file = try source(.factorized).file
        change(&file)
        return try ModelImport.Source(path: "edited.safetensors", bytes: file.serialized())
    }

    static func reason(_ body: () throws -> Void) -> InterchangeError? {
        do { try body() } catch let error as InterchangeError { return error } catch { return nil }
        return nil
    }

    @Test func badCheckpointsAreRefusedNamingTheFileAndTheProblem() throws {
        let missing = try Self.edited { $0.tensors.removeAll { $0.name == "g_s.2.bias" } }
        let error1 = Self.reason { _ = try ModelImport.compressAI([missing], family: .factorized) }
        #expect(
            error1 == InterchangeError(.badModel, path: "edited.safetensors", "weights file lacks tensor 'g_s.2.bias'"))

        let reshaped = try Self.edited { file in
            let i = file.tensors.firstIndex { $0.name == "g_s.2.bias" }!
            file.tensors[i] = SafeTensors.Entry(name: "g_s.2.bias", shape: [4], values: [0, 0, 0, 0])
        }
        let error2 = Self.reason { _ = try ModelImport.compressAI([reshaped], family: .factorized) }
        #expect(
            error2?.kind == .badModel && error2?.reason.contains("g_s.2.bias") == true, "\(String(describing: error2))")

        let extra = try Self.edited { $0.tensors.append(SafeTensors.Entry(name: "extra", shape: [1], values: [1])) }
        #expect(Self.reason { _ = try ModelImport.compressAI([extra], family: .factorized) }?.kind == .badModel)

        let otherArch = Self.reason {
            _ = try ModelImport.compressAI([try Self.source(.hyperprior)], family: .factorized)
        }
        #expect(otherArch?.reason.contains("holds a 'bmshj2018-hyperprior' model") == true)

        // Another width: M = 16 with fresh parameters, and the metadata saying so.
        let wide = CompressAIArchitecture(family: .factorized, n: 8, m: 16).network()
        let specs = wide.parameterSpecs.map {
            ParameterSpec(String($0.name.dropFirst(3)), kind: $0.kind, shape: $0.shape, initializer: $0.initializer)
        }
        let widened = ModelImport.Source(
            path: "wide.safetensors", file: Parameters(specs: specs, seed: 1).safeTensors(metadata: ["M": "16"]))
        #expect(try ModelImport.compressAI([widened], family: .factorized).metadata("M") == "16")
        let mixed = Self.reason {
            _ = try ModelImport.compressAI([try Self.source(.factorized), widened], family: .factorized)
        }
        #expect(mixed?.path == "wide.safetensors" && mixed?.reason.contains("differ from the first") == true)

        // Finite parameters whose density overflows where the tables sample it (CaecFuzzWeights' finding: it
        // trapped in the table builder), and a gain of 0 (step 1 / 0).
        let crasher = "Fuzz/crashers/crash-fc352b3976a7ac9c0f8c25b100b62881b22e1426"
        let overflowing = try ModelImport.Source(path: "c", bytes: Golden.required(crasher))
        let degenerate = Self.reason { _ = try ModelImport.compressAI([overflowing], family: .hyperprior) }
        #expect(
            degenerate
                == InterchangeError(
                    .badModel, path: "c",
                    "the entropy bottleneck's density of channel 0 is not finite where it is sampled "
                        + "(its parameters overflow)"))
        let hyperprior = try #require(ModelRegistry.hyperprior("bmshj-hp-vr"))
        var parameters = hyperprior.initialParameters(seed: 1)
        parameters.values[parameters.offset(of: "gain.analysis") + 5] = 0
        let zeroGain = Self.reason {
            _ = try ModelImport.caecModel(
                ModelImport.Source(
                    path: "g.safetensors", bytes: parameters.safeTensors(metadata: ["arch": "bmshj-hp-vr"]).serialized()
                ))
        }
        #expect(
            zeroGain?.path == "g.safetensors" && zeroGain?.reason.contains("codec tensor 'codec.q1.step'") == true,
            "\(String(describing: zeroGain))")

        var bytes = try Self.source(.factorized).file.serialized()
        let truncated = Self.reason {
            _ = try ModelImport.Source(path: "t", bytes: Array(bytes.prefix(bytes.count - 3)))
        }
        #expect(truncated?.kind == .malformed && truncated?.path == "t")
        bytes.replaceSubrange(bytes.count - 4..<bytes.count, with: [0x00, 0x00, 0xC0, 0x7F])  // the last value: NaN
        let nan = Self.reason { _ = try ModelImport.Source(path: "n", bytes: bytes) }
        #expect(nan?.kind == .badModel && nan?.reason.contains("finite") == true, "\(String(describing: nan))")
    }
}
