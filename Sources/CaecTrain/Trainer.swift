import CaecCore
import CaecModel
import CaecTensor

/// Settings of one training run. Together with the seed and the data they fix the result exactly.
package struct TrainingConfiguration: Sendable, Equatable {
    package enum OptimizerKind: String, Sendable, CaseIterable { case adam, adamw, sgd }

    package var epochs: Int
    package var batchSize: Int
    package var learningRate: Float
    package var schedule: LearningRateSchedule = .constant
    package var optimizer: OptimizerKind = .adam
    package var weightDecay: Float = 0
    package var momentum: Float = 0.9
    package var augmentation: Augmentation = .none
    package var seed: UInt64 = 1
    /// Mean training loss is reported every this many steps.
    package var logEvery: Int = 20
    /// Learning-rate factors of parameter groups: every parameter whose name ends with a group's suffix steps at
    /// `factor` times the rate (0 keeps it at its initial value); the first matching group applies.
    package var parameterScales: [ParameterScale] = []

    package init(epochs: Int, batchSize: Int, learningRate: Float) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
    }
}

/// A learning-rate factor for the parameters whose names end with `suffix` (`TrainingConfiguration.parameterScales`).
package struct ParameterScale: Sendable, Equatable {
    package var suffix: String
    package var factor: Float

    package init(suffix: String, factor: Float) {
        self.suffix = suffix
        self.factor = factor
    }

    /// `parameters`' trainable mask with each group's factor applied: the optimiser's per-float rate factors.
    package static func mask(_ parameters: Parameters, scales: [ParameterScale]) -> [Float] {
        parameters.trainableMask { name in scales.first { name.hasSuffix($0.suffix) }?.factor }
    }
}

/// Where a run stands: enough to resume it exactly at an epoch boundary.
package struct TrainingState: Sendable {
    package var parameters: Parameters
    package var optimizer: any Optimizer
    /// Epochs completed.
    package var epoch: Int
    /// Optimiser steps taken.
    package var step: Int
}

/// What the trainer reports while it runs.
package enum TrainingEvent: Sendable {
    /// Every `logEvery` steps: mean loss over those steps, throughput over the epoch so far.
    case progress(
        epoch: Int, batch: Int, batchesPerEpoch: Int, step: Int, meanLoss: Float, learningRate: Float,
        imagesPerSecond: Double)
    /// After each epoch: mean training loss, and the held-out loss and accuracy (accuracy nil for non-classifiers).
    case epochEnd(epoch: Int, step: Int, trainLoss: Double, evalLoss: Double, evalAccuracy: Double?, seconds: Double)
}

/// Runs mini-batch training of a `TrainingObjective`, reproducibly, with checkpoints at epoch boundaries.
package struct Trainer {
    package let objective: any TrainingObjective
    package let configuration: TrainingConfiguration

    package init(objective: any TrainingObjective, configuration: TrainingConfiguration) {
        self.objective = objective
        self.configuration = configuration
    }

    /// A fresh state: parameters initialised from the seed, optimiser state zero.
    package func initialState() -> TrainingState {
        let parameters = Parameters(specs: objective.parameterSpecs, seed: configuration.seed)
        return TrainingState(
            parameters: parameters, optimizer: makeOptimizer(count: parameters.count), epoch: 0, step: 0)
    }

    package func makeOptimizer(count: Int) -> any Optimizer {
        switch configuration.optimizer {
        case .adam: Adam(count: count)
        case .adamw: Adam(count: count, weightDecay: configuration.weightDecay)
        case .sgd:
            SGD(count: count, momentum: configuration.momentum, weightDecay: configuration.weightDecay, nesterov: true)
        }
    }

    /// Trains from `state` until `configuration.epochs` epochs are complete, calling `report` with progress and
    /// `checkpoint` after every epoch. Returns the final state.
    ///
    /// - Throws: `TrainingError` as soon as a loss, a gradient or a parameter is NaN or infinite; `checkpoint` is
    ///   never called with such a state.
    package func run(
        from state: TrainingState, data: ImageDataset, evaluation: ImageDataset?,
        clock: () -> Double, report: (TrainingEvent) -> Void, checkpoint: (TrainingState) -> Void
    ) throws(TrainingError) -> TrainingState {
        var state = state
        let plan = BatchPlan(count: data.count, batchSize: configuration.batchSize, seed: configuration.seed)
        let totalSteps = plan.batchesPerEpoch * configuration.epochs
        let mask = ParameterScale.mask(state.parameters, scales: configuration.parameterScales)
        while state.epoch < configuration.epochs {
            let epoch = state.epoch
            let order = plan.order(epoch: epoch)
            let epochStart = clock()
            var lossWindow: Double = 0
            var windowCount = 0
            var epochLoss: Double = 0
            for b in 0..<plan.batchesPerEpoch {
                let indices = order[b * plan.batchSize..<min((b + 1) * plan.batchSize, data.count)]
                var batch = data.tensor(indices)
                var generator = plan.augmentationGenerator(epoch: epoch, batch: b)
                configuration.augmentation.apply(to: &batch, generator: &generator)
                let labels = indices.map { Int(data.labels[$0]) }
                var gradients = [Float](repeating: 0, count: state.parameters.count)
                let loss = objective.lossAndGradients(
                    batch, labels: labels, parameters: &state.parameters, gradients: &gradients)
                guard loss.isFinite else { throw .nonFiniteLoss(step: state.step + 1) }
                guard gradients.allSatisfy(\.isFinite) else { throw .nonFiniteGradient(step: state.step + 1) }
                let rate = configuration.schedule.rate(
                    base: configuration.learningRate, step: state.step, totalSteps: totalSteps)
                state.optimizer.step(
                    values: &state.parameters.values, gradients: gradients, mask: mask, learningRate: rate)
                state.step += 1
                try TrainingError.checkParameters(state)
                lossWindow += Double(loss)
                windowCount += 1
                epochLoss += Double(loss) * Double(indices.count)
                if windowCount == configuration.logEvery || b == plan.batchesPerEpoch - 1 {
                    let seen = min((b + 1) * plan.batchSize, data.count)
                    report(
                        .progress(
                            epoch: epoch, batch: b + 1, batchesPerEpoch: plan.batchesPerEpoch, step: state.step,
                            meanLoss: Float(lossWindow / Double(windowCount)), learningRate: rate,
                            imagesPerSecond: Double(seen) / max(clock() - epochStart, 1e-9)))
                    lossWindow = 0
                    windowCount = 0
                }
            }
            state.epoch += 1
            let (evalLoss, evalAccuracy) =
                evaluation.map { Self.evaluate(objective, state.parameters, on: $0) } ?? (0, nil)
            report(
                .epochEnd(
                    epoch: epoch, step: state.step, trainLoss: epochLoss / Double(data.count), evalLoss: evalLoss,
                    evalAccuracy: evalAccuracy, seconds: clock() - epochStart))
            checkpoint(state)
        }
        return state
    }

    /// Mean loss per image and accuracy (for classifiers) over `data`, in batches of 250.
    package static func evaluate(_ objective: any TrainingObjective, _ parameters: Parameters, on data: ImageDataset)
        -> (loss: Double, accuracy: Double?)
    {
        var lossSum: Double = 0
        var correct = 0
        var start = 0
        while start < data.count {
            let end = min(start + 250, data.count)
            let labels = (start..<end).map { Int(data.labels[$0]) }
            let result = objective.evaluate(data.tensor(start..<end), labels: labels, parameters: parameters)
            lossSum += result.lossSum
            correct += result.correct
            start = end
        }
        let isClassifier = objective is ClassificationObjective
        return (lossSum / Double(data.count), isClassifier ? Double(correct) / Double(data.count) : nil)
    }
}
