#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension RateDistortionModel {
    /// The lambdas a trained weights file of this family was made for: its `lambdas` metadata (space-separated).
    package static func lambdas(of file: WeightsFile) throws(WeightsError) -> [Float] {
        guard let text = file.metadata("lambdas") else { throw .invalidField("no `lambdas` metadata") }
        let values = text.split(separator: " ").map { Float(String($0)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw .invalidField("`lambdas` metadata is not a list of positive numbers: \(text)")
        }
        return values.map { $0! }
    }

    /// Parameters for this model taken from `file`, a trained model of this family with the same widths and stages
    /// (this model, or another one of that shape: `cifar-task-vr` starts from `bmshj-f-vr`; the first stride may
    /// differ, so `cifar-task-vr8` starts from either) whose qualities may have other lambdas (`lambdas(of:)`), to
    /// continue training with this model's ladder.
    ///
    /// Each quality q takes the per-quality rows (gains and densities) of the file's quality whose lambda is
    /// nearest in log, `src`, moved to its own lambda as the gains' initialisation assumes (quantisation step
    /// ~ 1/sqrt(lambda)): with `s = sqrt(lambdas[q] / lambda_src)` the analysis gain is multiplied by s, the
    /// synthesis gain divided by s, and the density's first matrix (effective value `softplus(stored)`) divided by s,
    /// so that the new density of the latent scaled by s equals the old one of the unscaled latent. A quality whose
    /// lambda the file has is copied unchanged. The transforms are copied; `codec.*` tables are dropped.
    ///
    /// - Throws: `WeightsError` if the file is another model, of other widths or stages, or lacks `lambdas`.
    package func parameters(adapting file: WeightsFile) throws(WeightsError) -> Parameters {
        let sourceID = file.modelID
        if sourceID != id {
            guard let other = ModelRegistry.rateDistortion(sourceID), other.n == n, other.m == m,
                other.stages == stages
            else {
                throw .invalidField(
                    "model '\(sourceID)' cannot start '\(id)' (a rate-distortion model with N = \(n), M = \(m) and "
                        + "\(stages) stages can)")
            }
        }
        let sourceLambdas = try Self.lambdas(of: file)
        let sourceStride = ModelRegistry.rateDistortion(sourceID)?.firstStride ?? firstStride
        let source = RateDistortionModel(
            id: sourceID, n: n, m: m, lambdas: sourceLambdas, stages: stages, firstStride: sourceStride)
        let trained = try Parameters(loading: file, modelID: sourceID, specs: source.parameterSpecs)
        var parameters = Parameters(specs: parameterSpecs, seed: 0)
        let nearest = lambdas.map { lambda in
            sourceLambdas.indices.min { abs(log(sourceLambdas[$0] / lambda)) < abs(log(sourceLambdas[$1] / lambda)) }!
        }
        let perQualityPrefixes = ["gain.", bottleneck.key + "."]
        for spec in parameterSpecs {
            let from = trained.offset(of: spec.name)
            let to = parameters.offset(of: spec.name)
            guard perQualityPrefixes.contains(where: spec.name.hasPrefix) else {
                parameters.values.replaceSubrange(to..<to + spec.count, with: trained.values[from..<from + spec.count])
                continue
            }
            let row = spec.count / qualities
            for q in 0..<qualities {
                let src = nearest[q]
                let s = (lambdas[q] / sourceLambdas[src]).squareRoot()
                for k in 0..<row {
                    let value = trained.values[from + src * row + k]
                    parameters.values[to + q * row + k] =
                        if s == 1 {
                            value
                        } else {
                            switch spec.name {
                            case "gain.analysis": value * s
                            case "gain.synthesis": value / s
                            case bottleneck.key + ".matrices.0": logf(expm1f(EntropyBottleneck.softplus(value) / s))
                            default: value
                            }
                        }
                }
            }
        }
        return parameters
    }
}
