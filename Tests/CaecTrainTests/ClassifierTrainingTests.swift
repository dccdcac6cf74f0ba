import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ClassifierTrainingTests {
    /// A few SGD steps of the evaluation classifier's recipe (at a small width) on one tiny batch lower its loss.
    @Test func fewStepsLowerTheLossOnATinyBatch() {
        let model = Classifier.cifarResNet(id: "tiny", widths: [4, 8, 8, 16])
        let objective = ClassificationObjective(model, labelSmoothing: 0.2)
        var random = SeededRandom(seed: 6100)
        let batch = Tensor(shape: [8, 3, 32, 32], data: random.floats(8 * 3 * 32 * 32, in: 0..<1))
        let labels = [0, 1, 2, 3, 4, 5, 6, 7]
        var parameters = Parameters(specs: objective.parameterSpecs, seed: 6101)
        let mask = parameters.trainableMask
        var optimizer = SGD(count: parameters.count, momentum: 0.9, weightDecay: 5e-4, nesterov: true)
        var losses: [Float] = []
        for _ in 0..<8 {
            var gradients = [Float](repeating: 0, count: parameters.count)
            losses.append(
                objective.lossAndGradients(batch, labels: labels, parameters: &parameters, gradients: &gradients))
            optimizer.step(values: &parameters.values, gradients: gradients, mask: mask, learningRate: 0.05)
        }
        #expect(losses.last! < 0.8 * losses.first!, "losses \(losses)")
        // Training moved the running statistics (buffers) but the optimiser never touched them directly.
        #expect(parameters.tensor("prep.bn.running_var").data != [Float](repeating: 1, count: 4))
        let (lossSum, correct) = objective.evaluate(batch, labels: labels, parameters: parameters)
        #expect(lossSum.isFinite && correct >= 0 && correct <= 8)
    }

    @Test func labelSmoothingMatchesTheClosedForm() {
        // Two classes, logits (0, 0): p = (1/2, 1/2); targets (1 - e + e/2, e/2) with e = 0.2 -> (0.9, 0.1).
        let logits = Tensor(shape: [1, 2], data: [0, 0])
        let (loss, dLogits) = Tensor.softmaxCrossEntropy(logits, labels: [0], labelSmoothing: 0.2)
        #expect(abs(loss - Float(log(2.0))) < 1e-6)
        expectClose(dLogits.data, [0.5 - 0.9, 0.5 - 0.1], maxAbs: 1e-6)
        // Logits (2, 0): loss = -(0.9 log p0 + 0.1 log p1).
        let (loss2, _) = Tensor.softmaxCrossEntropy(
            Tensor(shape: [1, 2], data: [2, 0]), labels: [0], labelSmoothing: 0.2)
        let p0 = 1 / (1 + exp(-2.0))
        #expect(abs(Double(loss2) - -(0.9 * log(p0) + 0.1 * log(1 - p0))) < 1e-6)
    }

    @Test func recipeOfTheEvaluationClassifier() throws {
        let configuration = try #require(TrainingRecipe.configuration(for: "resnet9-cifar"))
        #expect(configuration.optimizer == .sgd && configuration.augmentation == .cifar)
        let objective = try #require(TrainingRecipe.objective(for: "resnet9-cifar") as? ClassificationObjective)
        #expect(objective.labelSmoothing == 0.2 && objective.model.testTimeFlip)
    }
}
