#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Gradients of `factorizedLikelihood` with respect to its input and its effective parameters.
package struct FactorizedDensityGradients: Sendable, Equatable {
    /// dL/dInput, (N, C, H, W).
    package var dInput: Tensor
    /// dL/dMatrices, each (C, out, in).
    package var dMatrices: [Tensor]
    /// dL/dBiases, each (C, out, 1).
    package var dBiases: [Tensor]
    /// dL/dFactors, each (C, out, 1).
    package var dFactors: [Tensor]
}

extension Tensor {
    /// The likelihood of each element of `input` under a per-channel non-parametric density (Ballé et al. 2018,
    /// "Variational image compression with a scale hyperprior", appendix 6.1).
    ///
    /// Each channel c has a cumulative `F_c(v) = sigmoid(f_c(v))`, with logits from a small scalar network:
    /// `a_0 = v`; `z_k = matrices[k][c] a_k + biases[k][c]`; `a_(k+1) = z_k + factors[k][c] * tanh(z_k)` for every
    /// layer but the last, whose `z` is `f_c(v)`. The likelihood of v is the mass of [v - 1/2, v + 1/2]:
    /// `|sigmoid(s u) - sigmoid(s l)|` with `u = f(v + 1/2)`, `l = f(v - 1/2)` and `s = -sign(u + l)` (the sign
    /// trick keeps the difference away from 1 - 1 in floating point), bounded below by `lowerBound`.
    ///
    /// The parameters are the effective ones (CompressAI applies softplus to the stored matrices and tanh to the
    /// stored factors before this): matrices non-negative keep `f` increasing, factors in (-1, 1) keep each layer
    /// monotone. Arithmetic is in Float, with `tanh(z) = 1 - 2 / (exp(2 z) + 1)` (libm's tanh costs more than the
    /// rest of the network's scalar work); per-channel parameter gradients are summed in Double.
    ///
    /// - Parameters:
    ///   - input: (N, C, H, W).
    ///   - matrices: layer k is (C, out_k, in_k), with in_0 = 1, in_(k+1) = out_k and a last out of 1.
    ///   - biases: layer k is (C, out_k, 1).
    ///   - factors: layer k (every layer but the last) is (C, out_k, 1).
    /// - Returns: (N, C, H, W) likelihoods in [lowerBound, 1]. Work is split by channel, in parallel.
    package static func factorizedLikelihood(
        _ input: Tensor, matrices: [Tensor], biases: [Tensor], factors: [Tensor], lowerBound: Float = 1e-9
    ) -> Tensor {
        var output = Tensor(shape: input.shape)
        var gradients: FactorizedDensityGradients?
        factorizedDensity(
            input, matrices: matrices, biases: biases, factors: factors, lowerBound: lowerBound, gradOutput: nil,
            likelihoods: &output.data, gradients: &gradients)
        return output
    }

    /// Backward of `factorizedLikelihood`, including `lowerBound`'s gradient rule (CompressAI's `LowerBound`: the
    /// gradient passes where the likelihood is at or above the bound, or where it points upwards).
    package static func factorizedLikelihoodBackward(
        _ gradOutput: Tensor, input: Tensor, matrices: [Tensor], biases: [Tensor], factors: [Tensor],
        lowerBound: Float = 1e-9
    ) -> FactorizedDensityGradients {
        precondition(gradOutput.shape == input.shape, "factorizedLikelihoodBackward: gradOutput must be \(input.shape)")
        var likelihoods = [Float](repeating: 0, count: input.count)
        var gradients: FactorizedDensityGradients? = FactorizedDensityGradients(
            dInput: Tensor(shape: input.shape), dMatrices: matrices.map { Tensor(zerosLike: $0) },
            dBiases: biases.map { Tensor(zerosLike: $0) }, dFactors: factors.map { Tensor(zerosLike: $0) })
        factorizedDensity(
            input, matrices: matrices, biases: biases, factors: factors, lowerBound: lowerBound,
            gradOutput: gradOutput, likelihoods: &likelihoods, gradients: &gradients)
        return gradients!
    }

    private static func factorizedDensity(
        _ input: Tensor, matrices: [Tensor], biases: [Tensor], factors: [Tensor], lowerBound: Float,
        gradOutput: Tensor?, likelihoods: inout [Float], gradients: inout FactorizedDensityGradients?
    ) {
        let (N, C, H, W) = input.nchw
        let L = matrices.count
        precondition(L >= 1 && biases.count == L && factors.count == L - 1, "factorizedLikelihood: layer counts")
        // widths[k] is in_k; widths[k + 1] is out_k
        var widths = [1]
        for k in 0..<L {
            let m = matrices[k].shape
            precondition(
                m.count == 3 && m[0] == C && m[2] == widths[k] && (k < L - 1 || m[1] == 1),
                "factorizedLikelihood: matrix \(k) has shape \(m)")
            precondition(biases[k].shape == [C, m[1], 1], "factorizedLikelihood: bias \(k) must be (\(C), \(m[1]), 1)")
            if k < L - 1 {
                precondition(factors[k].shape == [C, m[1], 1], "factorizedLikelihood: factor \(k) shape")
            }
            widths.append(m[1])
        }
        let P = H * W
        let backward = gradOutput != nil
        // Under `GradientScope.inputOnly` (the encoder's latent search) only dInput is wanted: the parameter
        // partials, two thirds of the backward's arithmetic, are skipped and the parameter gradients stay zero.
        let parameterGradients = backward && !GradientScope.inputOnly
        // Per-channel parameter blocks, (C, perChannel): for each layer, matrix (out_k, in_k), bias (out_k), factor
        // (out_k, absent for the last layer). Gradient partials use the same layout and are summed in Double.
        var sizes: [Int] = []
        for k in 0..<L { sizes += [widths[k + 1] * widths[k], widths[k + 1], k < L - 1 ? widths[k + 1] : 0] }
        let perChannel = sizes.reduce(0, +)
        var flat = [Float](repeating: 0, count: C * perChannel)
        // layout is (L, 5): in_k, out_k, scratch slot, parameter offset, 1 if the layer has factors
        var layout: [Int] = []
        var scratchSize = 0
        var offset = 0
        for k in 0..<L {
            let (inK, outK) = (widths[k], widths[k + 1])
            layout += [inK, outK, scratchSize, offset, k < L - 1 ? 1 : 0]
            for c in 0..<C {
                let block = c * perChannel + offset
                for j in 0..<outK * inK { flat[block + j] = matrices[k].data[c * outK * inK + j] }
                for o in 0..<outK {
                    flat[block + outK * inK + o] = biases[k].data[c * outK + o]
                    if k < L - 1 { flat[block + outK * inK + outK + o] = factors[k].data[c * outK + o] }
                }
            }
            // Intermediates of one evaluation: a_k (in_k) then t_k = tanh(z_k) (out_k).
            scratchSize += inK + outK
            offset += sizes[3 * k] + sizes[3 * k + 1] + sizes[3 * k + 2]
        }
        var partials = [Double](repeating: 0, count: parameterGradients ? C * perChannel : 0)
        var dInput = [Float](repeating: 0, count: backward ? input.count : 0)
        let maxWidth = widths.max()!
        let dy = gradOutput?.data ?? []
        let bound = lowerBound
        input.data.withUnsafeBufferPointer { x in
            dy.withUnsafeBufferPointer { dy in
                likelihoods.withUnsafeMutableBufferPointer { out in
                    dInput.withUnsafeMutableBufferPointer { dx in
                        partials.withUnsafeMutableBufferPointer { partials in
                            flat.withUnsafeBufferPointer { flat in
                                layout.withUnsafeBufferPointer { layout in
                                    let (x, out, flat, layout) = (
                                        x.baseAddress!, out.baseAddress!, flat.baseAddress!, layout.baseAddress!
                                    )
                                    let (dy, dx, partials) = (dy.baseAddress, dx.baseAddress, partials.baseAddress)
                                    TensorParallelism.forEach(C) { c in
                                        factorizedDensityChannel(
                                            c, N: N, C: C, P: P, L: L, layout: layout,
                                            parameters: flat + c * perChannel,
                                            partials: parameterGradients ? partials! + c * perChannel : nil,
                                            scratchSize: scratchSize, maxWidth: maxWidth, bound: bound, x: x, out: out,
                                            dy: backward ? dy : nil, dx: backward ? dx : nil)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard backward else { return }
        gradients!.dInput.data = dInput
        guard parameterGradients else { return }
        for k in 0..<L {
            let (outK, inK, layerOffset) = (widths[k + 1], widths[k], layout[5 * k + 3])
            for c in 0..<C {
                let g = c * perChannel + layerOffset
                for j in 0..<outK * inK { gradients!.dMatrices[k].data[c * outK * inK + j] = Float(partials[g + j]) }
                for o in 0..<outK {
                    gradients!.dBiases[k].data[c * outK + o] = Float(partials[g + sizes[3 * k] + o])
                    if k < L - 1 {
                        gradients!.dFactors[k].data[c * outK + o] = Float(
                            partials[g + sizes[3 * k] + sizes[3 * k + 1] + o])
                    }
                }
            }
        }
    }

    /// One channel of `factorizedDensity`: likelihoods of its elements and, when `dy` is given, dInput and (when
    /// `partials` is given) the channel's parameter gradients, added into `partials`.
    @inline(__always)
    private static func factorizedDensityChannel(
        _ c: Int, N: Int, C: Int, P: Int, L: Int, layout: UnsafePointer<Int>, parameters w: UnsafePointer<Float>,
        partials g: UnsafeMutablePointer<Double>?, scratchSize: Int, maxWidth: Int, bound: Float,
        x: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>?,
        dx: UnsafeMutablePointer<Float>?
    ) {
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * scratchSize + 2 * maxWidth)
        defer { scratch.deallocate() }
        let delta = scratch + 2 * scratchSize
        // Logit of v, keeping a_k and tanh(z_k) in `store`.
        func logit(_ v: Float, _ store: UnsafeMutablePointer<Float>) -> Float {
            store[0] = v
            var result: Float = 0
            for k in 0..<L {
                let inK = layout[5 * k]
                let outK = layout[5 * k + 1]
                let slot = layout[5 * k + 2]
                let offset = layout[5 * k + 3]
                let hasFactors = layout[5 * k + 4]
                let a = store + slot
                let matrix = w + offset
                let bias = matrix + outK * inK
                let t = a + inK
                for o in 0..<outK {
                    var z = bias[o]
                    for i in 0..<inK { z += matrix[o * inK + i] * a[i] }
                    if hasFactors != 0 {
                        let th = 1 - 2 / (expf(2 * z) + 1)
                        t[o] = th
                        // a_(k+1) starts right after t_k
                        t[outK + o] = z + bias[outK + o] * th
                    } else {
                        result = z
                    }
                }
            }
            return result
        }
        // Adds the parameter gradients of one evaluation given dL/dLogit; returns dL/dv.
        func backLogit(_ dLogit: Float, _ store: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Double>?)
            -> Float
        {
            var current = delta
            var previous = delta + maxWidth
            current[0] = dLogit  // dL/dz of the last layer
            for k in stride(from: L - 1, through: 0, by: -1) {
                let inK = layout[5 * k]
                let outK = layout[5 * k + 1]
                let slot = layout[5 * k + 2]
                let offset = layout[5 * k + 3]
                let hasFactors = layout[5 * k + 4]
                let a = store + slot
                let matrix = w + offset
                let bias = matrix + outK * inK
                let t = a + inK
                if hasFactors != 0 {
                    // current holds dL/da_(k+1); turn it into dL/dz_k
                    for o in 0..<outK {
                        if let g { g[offset + outK * inK + outK + o] += Double(current[o] * t[o]) }
                        current[o] *= 1 + bias[outK + o] * (1 - t[o] * t[o])
                    }
                }
                for i in 0..<inK { previous[i] = 0 }
                for o in 0..<outK {
                    for i in 0..<inK { previous[i] += matrix[o * inK + i] * current[o] }
                }
                if let g {
                    let (gm, gb) = (g + offset, g + offset + outK * inK)
                    for o in 0..<outK {
                        gb[o] += Double(current[o])
                        for i in 0..<inK { gm[o * inK + i] += Double(current[o] * a[i]) }
                    }
                }
                swap(&current, &previous)
            }
            return current[0]
        }
        let (upperStore, lowerStore) = (scratch, scratch + scratchSize)
        for n in 0..<N {
            let base = (n * C + c) * P
            for p in 0..<P {
                let v = x[base + p]
                let upper = logit(v + 0.5, upperStore)
                let lower = logit(v - 0.5, lowerStore)
                let s: Float = upper + lower > 0 ? -1 : 1
                let su = 1 / (1 + expf(-s * upper))
                let sl = 1 / (1 + expf(-s * lower))
                let difference = su - sl
                let likelihood = abs(difference)
                out[base + p] = max(likelihood, bound)
                guard let dy, let dx else { continue }
                let gradient = dy[base + p]
                guard likelihood >= bound || gradient < 0 else {
                    dx[base + p] = 0
                    continue
                }
                let sign: Float = difference >= 0 ? 1 : -1
                let dUpper = gradient * sign * s * su * (1 - su)
                let dLower = -gradient * sign * s * sl * (1 - sl)
                dx[base + p] = backLogit(dUpper, upperStore, g) + backLogit(dLower, lowerStore, g)
            }
        }
    }
}
