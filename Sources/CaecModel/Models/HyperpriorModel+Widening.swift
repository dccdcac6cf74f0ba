import CaecTensor

/// Function-preserving widening (in the manner of Net2Net, Chen et al. 2016, with zero-initialised reads): the
/// parameters of a model whose g_a and g_s are wider than a trained narrower model's, such that the wide model
/// computes the same function as the narrow one until training moves them.
extension HyperpriorModel {
    /// This model's parameters made from `trained`, the parameters of `narrow` (same M, hyper width and lambdas,
    /// N at most this model's), so that analysis, synthesis, z and the scales equal the narrow model's up to the
    /// order of float sums.
    ///
    /// Every tensor of the narrow key table is copied into the leading block of the wide one (old channels first):
    /// h_a, h_s, z's density and the gains whole. The rest is this model's fresh initialisation from `seed`
    /// (`initialParameters`), except that every weight of g_a and g_s that reads a new channel (input axis 1 of a
    /// convolution's (OC, IC, KH, KW), axis 0 of a transposed convolution's (IC, OC, KH, KW)) is set to 0. So new
    /// output channels start as usual and nothing reads them yet; GDN and IGDN keep the old channels' block of
    /// gamma, and their fresh initialisation gives the new channels beta 1 and gamma 0.1 on the diagonal, and
    /// every gamma entry between an old and a new channel (both directions) the stored value sqrt(pedestal), whose
    /// effective value is 0 (`GDNLayer.effective`). The first optimiser step gives the zero reads a gradient
    /// (the new channels' activations are not zero); the new channels' own weights follow from the second.
    package func widened(_ trained: Parameters, of narrow: HyperpriorModel, seed: UInt64) -> Parameters {
        precondition(
            narrow.m == m && narrow.hyperChannels == hyperChannels && narrow.lambdas == lambdas && narrow.n <= n,
            "HyperpriorModel.widened: \(narrow.id) is not a narrower \(id)")
        var parameters = initialParameters(seed: seed)
        var inputAxis: [String: Int] = [:]
        for layer in core.analysis.layers + core.synthesis.layers {
            if let conv = layer as? Conv2D { inputAxis[conv.key + ".weight"] = 1 }
            if let deconv = layer as? ConvTranspose2D { inputAxis[deconv.key + ".weight"] = 0 }
        }
        for spec in parameterSpecs {
            let old = trained.tensor(spec.name)
            precondition(old.shape.count == spec.shape.count, "HyperpriorModel.widened: \(spec.name) rank")
            if old.shape == spec.shape {
                parameters.set(spec.name, old)
                continue
            }
            parameters.set(
                spec.name,
                Self.widened(
                    old, into: parameters.tensor(spec.name), zeroingNewAlong: inputAxis[spec.name]))
        }
        return parameters
    }

    /// `fresh` with `old` in its leading block (every axis of `old` at most `fresh`'s) and, where `axis` is given,
    /// every entry beyond `old` along that axis (outside the block) set to 0.
    static func widened(_ old: Tensor, into fresh: Tensor, zeroingNewAlong axis: Int?) -> Tensor {
        let (oldShape, shape) = (old.shape, fresh.shape)
        precondition(zip(oldShape, shape).allSatisfy { $0 <= $1 }, "widened: \(oldShape) into \(shape)")
        var strides = [Int](repeating: 1, count: shape.count)
        var oldStrides = [Int](repeating: 1, count: shape.count)
        for a in stride(from: shape.count - 2, through: 0, by: -1) {
            strides[a] = strides[a + 1] * shape[a + 1]
            oldStrides[a] = oldStrides[a + 1] * oldShape[a + 1]
        }
        var result = fresh
        for flat in result.data.indices {
            var (inside, reading, oldFlat) = (true, false, 0)
            for a in shape.indices {
                let i = flat / strides[a] % shape[a]
                if i >= oldShape[a] {
                    inside = false
                    if a == axis { reading = true }
                } else {
                    oldFlat += i * oldStrides[a]
                }
            }
            if inside {
                result.data[flat] = old.data[oldFlat]
            } else if reading {
                result.data[flat] = 0
            }
        }
        return result
    }
}
