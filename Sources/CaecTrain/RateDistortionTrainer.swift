import CaecCore
import CaecModel
import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Settings of a step-based rate-distortion run on photo crops.
package struct RateDistortionTrainingConfiguration: Sendable, Equatable {
    /// When the run ends: after a number of steps, or of seconds of training (evaluation excluded).
    package enum Budget: Sendable, Equatable {
        case steps(Int)
        case seconds(Double)
    }

    package var budget: Budget
    /// Crops per step.
    package var batchSize = 16
    package var cropSide = 64
    package var learningRate: Float = 1e-3
    /// The rate after `cutFraction` of the budget.
    package var finalLearningRate: Float = 1e-4
    package var cutFraction = 0.8
    /// Global gradient-norm clip (0: none).
    package var clipNorm: Float = 1
    package var seed: UInt64 = 1
    /// Mean figures are reported every this many steps.
    package var logEvery = 50
    /// A checkpoint (and a held-out evaluation) every this many seconds of training.
    package var checkpointSeconds: Double = 300
    /// Parameters whose key starts with one of these are not trained (`--freeze g_a.,g_s.,gain.` trains a
    /// hyperprior's hyper transforms on a factorized model's fixed transforms).
    package var frozenPrefixes: [String] = []
    /// Learning-rate factors of the parameters whose key starts with a prefix (Adam's step is multiplied by it),
    /// such as `("entropy_bottleneck.", 10)` for a fresh density under trained transforms.
    package var learningRateScales: [(prefix: String, factor: Float)] = []

    package init(budget: Budget) { self.budget = budget }

    package static func == (a: Self, b: Self) -> Bool {
        a.budget == b.budget && a.batchSize == b.batchSize && a.cropSide == b.cropSide
            && a.learningRate == b.learningRate && a.finalLearningRate == b.finalLearningRate
            && a.cutFraction == b.cutFraction && a.clipNorm == b.clipNorm && a.seed == b.seed
            && a.logEvery == b.logEvery && a.checkpointSeconds == b.checkpointSeconds
            && a.frozenPrefixes == b.frozenPrefixes
            && a.learningRateScales.map(\.prefix) == b.learningRateScales.map(\.prefix)
            && a.learningRateScales.map(\.factor) == b.learningRateScales.map(\.factor)
    }

    /// The learning rate at `step` after `seconds` of training: the base rate, then the final rate for the last
    /// `1 - cutFraction` of the budget.
    package func rate(step: Int, seconds: Double) -> Float {
        let progress: Double
        switch budget {
        case .steps(let total): progress = Double(step) / Double(max(total, 1))
        case .seconds(let total): progress = seconds / max(total, 1e-9)
        }
        return progress < cutFraction ? learningRate : finalLearningRate
    }

    package func isDone(step: Int, seconds: Double) -> Bool {
        switch budget {
        case .steps(let total): step >= total
        case .seconds(let total): seconds >= total
        }
    }
}

/// Held-out figures of one quality: mean bpp (from the prior, rounded latent) and PSNR of the mean MSE; for a
/// task-aware objective also the mean task term and the task classifier's agreement with itself on the originals.
package struct QualityFigures: Sendable, Equatable {
    package var bpp: Double
    package var psnr: Double
    package var task: Double = 0
    /// In [0, 1]; nil without a task term.
    package var agreement: Double?
}

/// What the rate-distortion trainer reports.
package enum RateDistortionEvent: Sendable {
    /// Means over the last `logEvery` steps.
    case progress(
        step: Int, seconds: Double, figures: RateDistortionFigures, learningRate: Float, gradientNorm: Float,
        stepsPerSecond: Double)
    /// Held-out figures per quality, at each checkpoint.
    case evaluation(step: Int, seconds: Double, qualities: [QualityFigures])
}

/// What `RateDistortionTrainer` trains: a variable-rate model's loss `bpp + lambda_q * 255^2 * MSE`, its gradients
/// with noise for rounding, and its figures with rounding (`RateDistortionObjective`, `HyperpriorObjective`).
package protocol RateDistortionTraining: Sendable {
    var modelID: String { get }
    var parameterSpecs: [ParameterSpec] { get }
    /// Qualities of the model, each with its lambda.
    var qualities: Int { get }
    /// Fresh parameters from `seed`.
    func initialParameters(seed: UInt64) -> Parameters
    /// Forward and backward on `batch` (N, 3, H, W) in [0, 1], image i at quality `qualities[i]` (0-based), with the
    /// noise drawn from `noiseSeed`. Adds dLoss/dParameters into `gradients`.
    func figuresAndGradients(
        _ batch: Tensor, qualities: [Int], noiseSeed: UInt64, parameters: inout Parameters, gradients: inout [Float]
    ) -> RateDistortionFigures
    /// The rounded-latent figures of `images` at `quality` (0-based).
    func figures(_ images: Tensor, quality: Int, parameters: Parameters) -> RateDistortionFigures
}

/// Step-based training of a `RateDistortionTraining` objective on random photo crops, with the quality drawn per image.
/// Step s draws its crops, qualities and noise from a generator seeded by (seed, s), so a resumed run sees the
/// data it would have seen.
package struct RateDistortionTrainer {
    package let objective: any RateDistortionTraining
    package let configuration: RateDistortionTrainingConfiguration

    package init(objective: any RateDistortionTraining, configuration: RateDistortionTrainingConfiguration) {
        self.objective = objective
        self.configuration = configuration
    }

    /// Fresh parameters (gains initialised per quality) and a zero Adam state.
    package func initialState() -> TrainingState {
        let parameters = objective.initialParameters(seed: configuration.seed)
        return TrainingState(parameters: parameters, optimizer: Adam(count: parameters.count), epoch: 0, step: 0)
    }

    /// One step: forward, backward, clip, Adam. Returns the figures and the gradient norm before clipping.
    ///
    /// - Throws: `TrainingError` when the loss or the gradient is NaN or infinite (the gradient is then not
    ///   applied), or when the step made a parameter so.
    package func step(_ state: inout TrainingState, data: PhotoCropDataset, learningRate: Float, mask: [Float])
        throws(TrainingError) -> (RateDistortionFigures, Float)
    {
        var generator = SplitMix64(seed: configuration.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(state.step))
        let batch = data.batch(count: configuration.batchSize, side: configuration.cropSide, generator: &generator)
        let qualities = (0..<configuration.batchSize).map { _ in generator.below(objective.qualities) }
        var gradients = [Float](repeating: 0, count: state.parameters.count)
        let figures = objective.figuresAndGradients(
            batch, qualities: qualities, noiseSeed: generator.next(), parameters: &state.parameters,
            gradients: &gradients)
        var squares: Double = 0
        for (g, k) in zip(gradients, mask) where k != 0 { squares += Double(g) * Double(g) }
        let norm = Float(squares.squareRoot())
        guard figures.loss.isFinite else { throw .nonFiniteLoss(step: state.step + 1) }
        guard norm.isFinite else { throw .nonFiniteGradient(step: state.step + 1) }
        if configuration.clipNorm > 0 && norm > configuration.clipNorm {
            let factor = configuration.clipNorm / (norm + 1e-6)
            for i in gradients.indices { gradients[i] *= factor }
        }
        state.optimizer.step(
            values: &state.parameters.values, gradients: gradients, mask: mask, learningRate: learningRate)
        state.step += 1
        try TrainingError.checkParameters(state)
        return (figures, norm)
    }

    /// Trains from `state` (after `seconds` of training) until the budget is spent. Calls `checkpoint` every
    /// `checkpointSeconds` and at the end, after reporting a held-out evaluation on `heldOut` (images (1, 3, h, w)
    /// with h, w multiples of 16). Returns the final state and training seconds.
    ///
    /// - Throws: `TrainingError` from `step`; `checkpoint` is never called with a non-finite state.
    package func run(
        from state: TrainingState, seconds: Double, data: PhotoCropDataset, heldOut: [Tensor],
        clock: () -> Double, report: (RateDistortionEvent) -> Void,
        checkpoint: (TrainingState, Double) -> Void
    ) throws(TrainingError) -> (state: TrainingState, seconds: Double) {
        var state = state
        var trained = seconds
        let mask = trainingMask(state.parameters)
        var sums = (loss: 0.0, bpp: 0.0, mse: 0.0, task: 0.0, norm: 0.0, count: 0)
        var windowStart = clock()
        var lastCheckpoint = trained
        while !configuration.isDone(step: state.step, seconds: trained) {
            let started = clock()
            let rate = configuration.rate(step: state.step, seconds: trained)
            let (figures, norm) = try step(&state, data: data, learningRate: rate, mask: mask)
            trained += clock() - started
            sums.loss += Double(figures.loss)
            sums.bpp += Double(figures.bpp)
            sums.mse += Double(figures.mse)
            sums.task += Double(figures.task)
            sums.norm += Double(norm)
            sums.count += 1
            if sums.count == configuration.logEvery {
                let n = Double(sums.count)
                let now = clock()
                report(
                    .progress(
                        step: state.step, seconds: trained,
                        figures: RateDistortionFigures(
                            loss: Float(sums.loss / n), bpp: Float(sums.bpp / n), mse: Float(sums.mse / n),
                            task: Float(sums.task / n)),
                        learningRate: rate, gradientNorm: Float(sums.norm / n),
                        stepsPerSecond: n / max(now - windowStart, 1e-9)))
                sums = (0, 0, 0, 0, 0, 0)
                windowStart = now
            }
            let done = configuration.isDone(step: state.step, seconds: trained)
            if done || trained - lastCheckpoint >= configuration.checkpointSeconds {
                report(.evaluation(step: state.step, seconds: trained, qualities: evaluate(state.parameters, heldOut)))
                checkpoint(state, trained)
                lastCheckpoint = trained
                windowStart = clock()
            }
        }
        return (state, trained)
    }

    /// Per float: 0 for buffers and `frozenPrefixes`, the factor of `learningRateScales` for its first matching
    /// prefix, else 1.
    package func trainingMask(_ parameters: Parameters) -> [Float] {
        parameters.trainableMask { name in
            configuration.frozenPrefixes.contains(where: name.hasPrefix)
                ? 0 : configuration.learningRateScales.first { name.hasPrefix($0.prefix) }?.factor
        }
    }

    /// Mean bpp and PSNR (of the mean MSE), and the mean task term and agreement where the objective has them,
    /// over `images` for every quality, with rounding. Each tensor counts once (a batch of equal images is one
    /// entry, of the batch's means).
    package func evaluate(_ parameters: Parameters, _ images: [Tensor]) -> [QualityFigures] {
        (0..<objective.qualities).map { quality in
            var bpp = 0.0
            var mse = 0.0
            var task = 0.0
            var agreement: Double?
            for image in images {
                let figures = objective.figures(image, quality: quality, parameters: parameters)
                bpp += Double(figures.bpp)
                mse += Double(figures.mse)
                task += Double(figures.task)
                if let agrees = figures.agreement { agreement = (agreement ?? 0) + Double(agrees) }
            }
            let count = Double(max(images.count, 1))
            return QualityFigures(
                bpp: bpp / count, psnr: PSNR.decibels(mse: max(mse / count, 1e-12), peak: 1), task: task / count,
                agreement: agreement.map { $0 / count })
        }
    }
}
