import Caec
import CaecCore
import CaecModel
import CaecTensor

/// A CIFAR-10 classifier with its weights, for measuring whether reconstructions keep the original's class.
package struct ImageClassifier: Sendable {
    package let classifier: Classifier
    package let parameters: Parameters
    /// The only input size the classifier takes.
    package static let side = 32

    package var id: String { classifier.id }

    /// Loads `Models/<id>.caew`-style weights for the registered classifier `id`.
    ///
    /// - Throws: `WeightsError` if the file is corrupt or holds another model or other shapes.
    /// - Precondition: `id` is a registered classifier.
    package init(id: String, weights: [UInt8]) throws(WeightsError) {
        guard let classifier = ModelRegistry.classifier(id) else { preconditionFailure("unknown classifier \(id)") }
        let file = try WeightsFile(parsing: weights)
        self.classifier = classifier
        self.parameters = try Parameters(loading: file, modelID: id, specs: classifier.parameterSpecs)
    }

    /// A classifier with given parameters (untrained ones in tests).
    package init(classifier: Classifier, parameters: Parameters) {
        self.classifier = classifier
        self.parameters = parameters
    }

    /// Whether `image` has the size the classifier takes.
    package static func accepts(_ image: RGBImage) -> Bool { image.width == side && image.height == side }

    /// The top-1 class of each image, in one batch.
    ///
    /// - Precondition: every image is 32x32.
    package func predictions(_ images: [RGBImage]) -> [Int] {
        guard !images.isEmpty else { return [] }
        var data: [Float] = []
        data.reserveCapacity(images.count * 3 * Self.side * Self.side)
        for image in images {
            precondition(Self.accepts(image), "ImageClassifier: images must be 32x32")
            data += PixelConversion.paddedTensor(image, multiple: 1).data
        }
        let logits = classifier.evaluationLogits(
            Tensor(shape: [images.count, 3, Self.side, Self.side], data: data), parameters)
        return Classifier.predictions(logits)
    }
}
