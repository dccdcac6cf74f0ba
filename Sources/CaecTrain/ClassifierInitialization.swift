import CaecModel
import CaecTensor

/// Data-dependent initialisations applied to a fresh classifier before its first training step
/// (`TrainingRecipe.initialize`).
package enum ClassifierInitialization {
    /// Training images whose 2x2 patches give `airbench`'s whitening statistics (airbench's 5,000).
    package static let whiteningImages = 5000
    /// Added to each eigenvalue of the patch covariance before its square root is taken (airbench's 5e-4).
    package static let whiteningEpsilon = 5e-4

    /// airbench's initialisation (Jordan 2024, after Page 2018) of `Classifier.airbench` parameters:
    ///
    /// - `whiten.weight` (24, 3, 2, 2) and `whiten.bias`: the 2x2 patches of the first `whiteningImages` images of
    ///   `images`, each channel standardised by its mean and standard deviation over those images, have covariance
    ///   (about the standardised zero) with eigenvalues `l_k` and unit eigenvectors `v_k`, largest first; filter
    ///   `k` < 12 is `v_k / sqrt(l_k + epsilon)` and filter `12 + k` its negative. The standardisation is folded
    ///   in: each weight is divided by its channel's deviation and the bias subtracts the means' response, so the
    ///   layer reads [0, 1] pixels.
    /// - every `block*.conv*.weight` (out, in, 3, 3): its first `in` filters become the identity (a 1 at the centre
    ///   tap of the same channel, zeros elsewhere: PyTorch's `dirac_`), the rest keep their random values.
    ///
    /// - Returns: false (parameters untouched) if LAPACK's dsyev is unavailable or fails.
    package static func airbench(_ parameters: inout Parameters, images: ImageDataset) -> Bool {
        guard let whitening = whitening(images) else { return false }
        parameters.set("whiten.weight", whitening.weight)
        parameters.set("whiten.bias", whitening.bias)
        for spec in parameters.specs where spec.name.hasPrefix("block") && spec.name.hasSuffix(".weight") {
            guard spec.shape.count == 4 else { continue }
            var weight = parameters.tensor(spec.name)
            let (outChannels, inChannels, taps) = (spec.shape[0], spec.shape[1], spec.shape[2] * spec.shape[3])
            for o in 0..<min(outChannels, inChannels) {
                for i in 0..<inChannels * taps { weight.data[o * inChannels * taps + i] = 0 }
                weight.data[(o * inChannels + o) * taps + taps / 2] = 1
            }
            parameters.set(spec.name, weight)
        }
        return true
    }

    /// The whitening convolution's weight (2 * 12, 3, 2, 2) and bias (24) for `images` (see `airbench`).
    package static func whitening(_ images: ImageDataset) -> (weight: Tensor, bias: Tensor)? {
        let count = min(whiteningImages, images.count)
        guard count > 0 else { return nil }
        let x = images.tensor(0..<count)
        let side = images.side
        let plane = side * side
        // Per-channel mean and deviation of the pixels.
        var mean = [Double](repeating: 0, count: 3)
        var deviation = [Double](repeating: 0, count: 3)
        for c in 0..<3 {
            var (sum, squares) = (0.0, 0.0)
            for n in 0..<count {
                let base = (n * 3 + c) * plane
                for i in 0..<plane {
                    let v = Double(x.data[base + i])
                    sum += v
                    squares += v * v
                }
            }
            let total = Double(count * plane)
            mean[c] = sum / total
            deviation[c] = max((squares / total - mean[c] * mean[c]).squareRoot(), 1e-6)
        }
        // Second moments of the standardised 2x2 patches; the patch vector is laid out as the filter, (c, ky, kx).
        let d = 12
        var moments = [Double](repeating: 0, count: d * d)
        var patch = [Double](repeating: 0, count: d)
        for n in 0..<count {
            for y in 0..<side - 1 {
                for x0 in 0..<side - 1 {
                    for c in 0..<3 {
                        let base = (n * 3 + c) * plane + y * side + x0
                        patch[c * 4] = (Double(x.data[base]) - mean[c]) / deviation[c]
                        patch[c * 4 + 1] = (Double(x.data[base + 1]) - mean[c]) / deviation[c]
                        patch[c * 4 + 2] = (Double(x.data[base + side]) - mean[c]) / deviation[c]
                        patch[c * 4 + 3] = (Double(x.data[base + side + 1]) - mean[c]) / deviation[c]
                    }
                    for i in 0..<d {
                        for j in i..<d { moments[i * d + j] += patch[i] * patch[j] }
                    }
                }
            }
        }
        let patches = Double(count * (side - 1) * (side - 1))
        for i in 0..<d {
            for j in i..<d {
                moments[i * d + j] /= patches
                moments[j * d + i] = moments[i * d + j]
            }
        }
        guard let (values, vectors) = LAPACK.symmetricEigen(moments, n: d) else { return nil }
        var weight = Tensor(shape: [2 * d, 3, 2, 2])
        var bias = Tensor(shape: [2 * d])
        for k in 0..<d {
            let index = d - 1 - k  // largest eigenvalue first
            let scale = 1 / (max(values[index], 0) + whiteningEpsilon).squareRoot()
            var response = 0.0
            for i in 0..<d {
                let c = i / 4
                let w = vectors[index][i] * scale / deviation[c]
                weight.data[k * d + i] = Float(w)
                weight.data[(d + k) * d + i] = Float(-w)
                response += w * mean[c]
            }
            bias.data[k] = Float(-response)
            bias.data[d + k] = Float(response)
        }
        return (weight, bias)
    }
}
