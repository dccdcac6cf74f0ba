import Caec
import CaecModel
import CaecTensor
import CaecTestSupport
import Foundation
import Testing

/// The effort search of the task-aware codecs adds their task term (the training classifier's divergence) on
/// 32x32 images, as their training did, and needs that classifier's weights to do so.
@Suite struct TaskEffortTests {
    static let samples = [
        "cifar-test-0000-airplane.png", "cifar-test-0001-horse.png", "cifar-test-0002-bird.png",
        "cifar-test-0003-automobile.png",
    ]

    @Test(arguments: ["cifar-task-vr", "cifar-task-vr8"])
    func loadingFromAModelsFolderAttachesTheTrainingClassifier(id: String) throws {
        let codec = try CaecCodec(modelID: id, searchPaths: [Golden.url("Models").path])
        #expect(codec.taskClassifierID == ModelRegistry.taskClassifierID && codec.hasTaskClassifier)
        let photo = try CaecCodec(modelID: "bmshj-f-vr", searchPaths: [Golden.url("Models").path])
        #expect(photo.taskClassifierID == nil && !photo.hasTaskClassifier)
        var bare = try ShippedCodecs.codec("bmshj-f-vr")
        #expect(throws: CaecError.self) {
            try bare.attachTaskClassifier(weights: Golden.required("Models/resnet9-cifar-task.caew"))
        }
    }

    @Test func effortOnA32x32ImageNeedsTheClassifierAndOnlyThere() throws {
        var codec = try ShippedCodecs.codec("cifar-task-vr8")
        #expect(codec.taskClassifierID == ModelRegistry.taskClassifierID && !codec.hasTaskClassifier)
        let image = try ShippedCodecs.image("cifar-test-0001-horse.png")
        #expect(try codec.encode(image, quality: 2, effort: 0) == codec.encode(image, quality: 2))
        do {
            _ = try codec.encode(image, quality: 2, effort: 1)
            Issue.record("a 32x32 search without the classifier should fail")
        } catch {
            #expect(error.code == .modelNotFound && error.message.contains("resnet9-cifar-task"), "\(error)")
        }
        let odd = try ShippedCodecs.image("odd-97x61.png")
        _ = try codec.encode(odd, quality: 2, effort: 1)
        // Another classifier's weights are refused; the training classifier's are taken.
        #expect(throws: CaecError.self) {
            try codec.attachTaskClassifier(weights: Golden.required("Models/lenet5.caew"))
        }
        #expect(!codec.hasTaskClassifier)
        try codec.attachTaskClassifier(weights: Golden.required("Models/resnet9-cifar-task.caew"))
        let file = try codec.encode(image, quality: 2, effort: 1)
        #expect(try codec.decode(file).width == 32)
    }

    /// On the four CIFAR-10 samples at quality 2, 20 steps each: the search with the task term ends with a smaller
    /// divergence of the training classifier on the decoded image than the same search without it.
    @Test func theTaskTermKeepsTheTrainingClassifiersAnswer() throws {
        var codec = try ShippedCodecs.codec("cifar-task-vr8")
        try codec.attachTaskClassifier(weights: Golden.required("Models/resnet9-cifar-task.caew"))
        let task = try #require(codec.model.taskTerm)
        var plain = codec.model
        plain.taskTerm = nil
        let quality = ModelQuality(index: 2)
        var divergence = (task: 0.0, plain: 0.0)
        for name in Self.samples {
            let image = try ShippedCodecs.image(name)
            let input = PixelConversion.paddedTensor(image, multiple: codec.rate)
            let latent = codec.model.latent(input)
            let bound = try #require(SearchTaskTerm.Bound(task, image: input, width: 32, height: 32))
            func kl(_ model: CodecModel) -> Double {
                let symbols = model.refinedSymbols(
                    input, width: 32, height: 32, latent: latent, quality: quality, iterations: 20, progress: { _ in }
                ).symbols
                return bound.value(model.reconstruction(symbols: symbols, height: 4, width: 4, quality: quality))
            }
            divergence.task += kl(codec.model)
            divergence.plain += kl(plain)
        }
        #expect(divergence.task < 0.5 * divergence.plain, "\(divergence)")
    }
}
