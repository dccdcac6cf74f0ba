import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

/// The CIFAR-10 families in the safetensors interchange (Spec/safetensors.md §4.2): the shipped autoencoders and
/// classifiers export and import back bit for bit (codec tables included), PyTorch's reference modules compute what
/// caec computes, and bad files are refused naming the problem.
@Suite struct CIFARInterchangeTests {
    /// The shipped CIFAR-10 models with PyTorch fixtures (`resnet9-cifar-task`, the codec's training classifier, has none
    /// yet: `scripts/compressai/check_cifar.py` would make them).
    static let ids = ModelRegistry.autoencoderIDs + ModelRegistry.judgeClassifierIDs

    static func shipped(_ id: String) throws -> WeightsFile {
        try WeightsFile(parsing: Golden.required("Models/\(id).caew"))
    }

    static func exported(_ id: String) throws -> SafeTensors { try ModelExport.safeTensors(try shipped(id)) }

    static func reimport(_ file: SafeTensors, path: String = "exported") throws -> WeightsFile {
        try ModelImport.caecModel(ModelImport.Source(path: path, bytes: file.serialized()))
    }

    /// export -> import gives every tensor of the shipped file back, bit for bit and in its order (parameters,
    /// running statistics, the calibrated codec tables), so the fingerprint `.cae` files carry is unchanged; the
    /// metadata comes back (`source` aside) and exporting again gives the same bytes.
    @Test(arguments: ids)
    func shippedModelRoundTrips(id: String) throws {
        let shipped = try Self.shipped(id)
        let exported = try ModelExport.safeTensors(shipped)
        #expect(exported.metadata["arch"] == id && exported.metadata["source"] == "caec")
        #expect(exported.metadata["gdn"] == nil && exported.metadata["N"] == nil)
        let back = try Self.reimport(exported)
        #expect(back.modelID == id)
        #expect(back.tensors == shipped.tensors)
        #expect(back.fingerprint == shipped.fingerprint)
        let kept = shipped.metadata.filter { $0.key != "source" }
        #expect(back.metadata.first?.value == "safetensors")
        #expect(back.metadata.dropFirst().map(\.key) == kept.map(\.key).sorted())
        #expect(kept.allSatisfy { back.metadata($0.key) == $0.value })
        #expect(try ModelExport.safeTensors(back).serialized() == exported.serialized())
        if ModelRegistry.autoencoder(id) != nil {
            #expect(exported.metadata["codec_tables"] == "carried" && exported.metadata["qualities"] == "8")
            #expect(exported.tensor("codec.q8.tables") != nil)
        } else {
            #expect(!exported.tensors.contains { CodecTensors.isCodecTensor($0.name) })
            // The epsilon the PyTorch module must use: the network's own.
            let epsilon = ["lenet5": nil, "resnet9-cifar": "1e-05", "airbench-cifar": "1e-12"][id] ?? nil
            #expect(exported.metadata["batchnorm_epsilon"] == epsilon)
        }
    }

    /// An autoencoder that was never calibrated exports without codec tensors (`codec_tables` = `none`) and
    /// imports back without them.
    @Test func uncalibratedAutoencoderRoundTrips() throws {
        let shipped = try Self.shipped("cae-r4").removingCodecTensors()
        let exported = try ModelExport.safeTensors(shipped)
        #expect(exported.metadata["codec_tables"] == "none")
        let back = try Self.reimport(exported)
        #expect(back.tensors == shipped.tensors)
    }

    /// caec's forward on the first CIFAR-10 test images against `scripts/compressai/check_cifar.py`'s PyTorch
    /// modules run on the exported files (Tests/Fixtures/cifar-interchange/): reconstructions of 4 images and the
    /// logits of 16. Different summation orders give differences of a few ulps of the values.
    @Test(arguments: ids)
    func pytorchModulesComputeAsCaec(id: String) throws {
        let fixture = try SafeTensors(
            parsing: Golden.required("Tests/Fixtures/cifar-interchange/torch-outputs.safetensors"))
        let batch = try CIFAR10.Batch(parsing: Golden.required("Samples/cifar10/test_batch-first1000.bin"))
        func images(_ count: Int) -> Tensor {
            Tensor(shape: [count, 3, 32, 32], data: batch.planes[0..<count * 3072].map { Float($0) / 255 })
        }
        let file = try Self.shipped(id)
        let parameters = try Parameters(loading: file, modelID: id, specs: ModelRegistry.parameterSpecs(id)!)
        var compared: [(name: String, caec: Tensor)] = []
        if let model = ModelRegistry.autoencoder(id) {
            compared.append(("\(id).x_hat", model.reconstruct(images(4), parameters)))
        } else if let classifier = ModelRegistry.classifier(id) {
            compared.append(("\(id).logits", classifier.logits(images(16), parameters)))
            if classifier.testTimeFlip {
                compared.append(("\(id).evaluation_logits", classifier.evaluationLogits(images(16), parameters)))
            }
        }
        for (name, caec) in compared {
            let torch = try #require(fixture.tensor(name), "fixture lacks \(name)")
            #expect(torch.shape == caec.shape, "\(name)")
            let difference = zip(torch.values, caec.data).map { abs($0 - $1) }.max() ?? .infinity
            print("\(name): max |caec - PyTorch| = \(difference)")
            #expect(difference <= 2e-5, "\(name): max abs difference \(difference)")
            if caec.shape.count == 2 {
                let predictions = Classifier.predictions(Tensor(shape: torch.shape, data: torch.values))
                #expect(predictions == Classifier.predictions(caec), "\(name): predictions differ")
            }
        }
    }

    /// Each bad file is refused as a bad model (exit 78 in the CLI), naming the file and the problem.
    @Test func badFilesAreRefused() throws {
        let autoencoder = try Self.exported("cae-r8")
        let classifier = try Self.exported("resnet9-cifar")
        func changing(_ file: SafeTensors, _ change: (inout SafeTensors) -> Void) -> SafeTensors {
            var copy = file
            change(&copy)
            return copy
        }
        func setting(_ name: String, _ transform: @escaping (inout SafeTensors.Entry) -> Void)
            -> (inout SafeTensors) -> Void
        {
            { file in
                let index = file.tensors.firstIndex { $0.name == name }!
                transform(&file.tensors[index])
            }
        }
        let cases: [(name: String, file: SafeTensors, words: String)] = [
            (
                "reshaped",
                changing(autoencoder, setting("enc.0.weight") { $0.shape = [16, 3, 9] }),
                "enc.0.weight"
            ),
            ("missing", changing(autoencoder) { $0.tensors.removeAll { $0.name == "dec.out.bias" } }, "dec.out.bias"),
            (
                "missing-stat", changing(classifier) { $0.tensors.removeAll { $0.name == "res3.1.bn.running_var" } },
                "res3.1.bn.running_var"
            ),
            (
                "negative-var", changing(classifier, setting("prep.bn.running_var") { $0.values[3] = -1 }),
                "negative at element 3"
            ),
            (
                "codec-in-classifier",
                changing(classifier) { $0.tensors.append(autoencoder.tensor("codec.scale")!) }, "codec.scale"
            ),
            ("half-byte", changing(autoencoder, setting("codec.q2.tables") { $0.values[5] = 0.5 }), "not a byte"),
            ("big-byte", changing(autoencoder, setting("codec.q2.tables") { $0.values[5] = 256 }), "not a byte"),
            (
                "cut-tables",
                changing(
                    autoencoder,
                    setting("codec.q3.tables") {
                        $0.values.removeLast(); $0.shape[0] -= 1
                    }),
                "codec quality 3 tables"
            ),
            (
                "gap", changing(autoencoder) { $0.tensors.removeAll { $0.name.hasPrefix("codec.q4.") } },
                "beyond quality 3"
            ),
            ("zero-step", changing(autoencoder, setting("codec.q1.step") { $0.values[0] = 0 }), "quality 1"),
            (
                "no-scale", changing(autoencoder) { $0.tensors.removeAll { $0.name == "codec.scale" } },
                "latent scales"
            ),
            ("otherarch", changing(autoencoder) { $0.metadata["arch"] = "cae-r4" }, "enc.2.weight"),
        ]
        for item in cases {
            do {
                _ = try Self.reimport(item.file, path: item.name)
                Issue.record("\(item.name): imported")
            } catch let error as InterchangeError {
                #expect(error.kind == .badModel && error.path == item.name, "\(item.name): \(error)")
                #expect(error.reason.contains(item.words), "\(item.name): \(error)")
            }
        }
    }
}
