import CaecModel
import CaecTensor

/// The model families `caec train photos` trains: what the run needs of each (objective, initialisation, tables).
package enum PhotoModel: Sendable {
    /// `bmshj-f-vr`.
    case factorized(RateDistortionModel)
    /// `bmshj-hp-vr`.
    case hyperprior(HyperpriorModel)

    /// The photo model `id`, or nil.
    package init?(_ id: String) {
        guard Self.allIDs.contains(id) else { return nil }
        if let model = ModelRegistry.rateDistortion(id) {
            self = .factorized(model)
        } else if let model = ModelRegistry.hyperprior(id) {
            self = .hyperprior(model)
        } else {
            return nil
        }
    }

    /// Ids of the models `caec train photos` trains.
    package static var allIDs: [String] {
        ModelRegistry.rateDistortionIDs.filter { !ModelRegistry.taskCodecIDs.contains($0) }
            + ModelRegistry.hyperpriorIDs
    }

    package var id: String { objective.modelID }
    package var lambdas: [Float] {
        switch self {
        case .factorized(let model): model.lambdas
        case .hyperprior(let model): model.lambdas
        }
    }
    package var qualities: Int { lambdas.count }
    package var parameterSpecs: [ParameterSpec] { objective.parameterSpecs }

    package var objective: any RateDistortionTraining {
        switch self {
        case .factorized(let model): RateDistortionObjective(model)
        case .hyperprior(let model): HyperpriorObjective(model)
        }
    }

    /// Parameters to start training from `file` (`--init-from`): a factorized model adapted to this ladder; for a
    /// hyperprior, its own weights or a factorized model's transforms and gains with fresh hyper transforms.
    package func parameters(initialisingFrom file: WeightsFile, seed: UInt64) throws(WeightsError) -> Parameters {
        switch self {
        case .factorized(let model): try model.parameters(adapting: file)
        case .hyperprior(let model): try model.parameters(initialisingFrom: file, seed: seed)
        }
    }

    /// The codec tables of trained `parameters`.
    package func codecTensors(_ parameters: Parameters) -> CodecTensors {
        switch self {
        case .factorized(let model): RateDistortionTables.codecTensors(model: model, parameters: parameters)
        case .hyperprior(let model): HyperpriorTables.codecTensors(model: model, parameters: parameters)
        }
    }
}
