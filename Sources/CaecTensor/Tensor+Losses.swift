#if canImport(Glibc)
    import Glibc
#endif

extension Tensor {
    /// Softmax over the last dimension of (N, K) logits, `p[n, k] = exp(z[n, k] - m) / sum_j exp(z[n, j] - m)` with
    /// `m = max_j z[n, j]` for range safety.
    package static func softmax(_ logits: Tensor, path: KernelPath = .fast) -> Tensor {
        precondition(logits.rank == 2, "softmax: logits must be (N, K), got \(logits.shape)")
        let (N, K) = (logits.shape[0], logits.shape[1])
        var output = logits
        for n in 0..<N {
            let row = n * K..<(n + 1) * K
            let maximum = logits.data[row].max() ?? 0
            switch path {
            case .reference, .portable:
                var total: Double = 0
                for i in row { total += exp(Double(logits.data[i] - maximum)) }
                for i in row { output.data[i] = Float(exp(Double(logits.data[i] - maximum)) / total) }
            case .fast:
                var total: Float = 0
                for i in row {
                    output.data[i] = expf(logits.data[i] - maximum)
                    total += output.data[i]
                }
                let scale = 1 / total
                for i in row { output.data[i] *= scale }
            }
        }
        return output
    }

    /// Softmax cross-entropy with integer labels, optionally label-smoothed, averaged over the batch, and its
    /// gradient.
    ///
    /// With targets `t[n] = (1 - e) * onehot(labels[n]) + e / K` (Szegedy et al. 2016; PyTorch's
    /// `cross_entropy(label_smoothing: e)`): `loss = -(1 / N) * sum_n sum_k t[n, k] * log softmax(z)[n, k]`,
    /// `dLogits = (softmax(z) - t) / N` (multiply by the upstream scalar gradient if the loss is weighted).
    /// - Parameters:
    ///   - logits: (N, K).
    ///   - labels: N class indices in `0..<K`.
    ///   - labelSmoothing: e in [0, 1); 0 is plain cross-entropy.
    package static func softmaxCrossEntropy(
        _ logits: Tensor, labels: [Int], labelSmoothing: Float = 0, path: KernelPath = .fast
    ) -> (loss: Float, dLogits: Tensor) {
        precondition(labelSmoothing >= 0 && labelSmoothing < 1, "softmaxCrossEntropy: labelSmoothing in [0, 1)")
        precondition(logits.rank == 2 && labels.count == logits.shape[0], "softmaxCrossEntropy: \(logits.shape)")
        let (N, K) = (logits.shape[0], logits.shape[1])
        var probabilities = softmax(logits, path: path)
        var loss: Double = 0
        for n in 0..<N {
            let label = labels[n]
            precondition(label >= 0 && label < K, "softmaxCrossEntropy: label \(label) outside 0..<\(K)")
            // log p = z - m - log sum exp(z - m), computed from the logits so that p = 0 cannot give -inf.
            let row = n * K..<(n + 1) * K
            let maximum = logits.data[row].max() ?? 0
            var total: Double = 0
            for i in row { total += exp(Double(logits.data[i] - maximum)) }
            let logTotal = log(total)
            let onehot = 1 - Double(labelSmoothing)
            loss -= onehot * (Double(logits.data[n * K + label] - maximum) - logTotal)
            probabilities.data[n * K + label] -= Float(onehot)
            if labelSmoothing > 0 {
                let uniform = Double(labelSmoothing) / Double(K)
                for i in row {
                    loss -= uniform * (Double(logits.data[i] - maximum) - logTotal)
                    probabilities.data[i] -= Float(uniform)
                }
            }
        }
        let batchScale = N > 0 ? 1 / Float(N) : 0
        return (Float(N > 0 ? loss / Double(N) : 0), scale(probabilities, by: batchScale, path: path))
    }

    /// Mean squared error `loss = (1 / count) * sum (prediction - target)^2` and
    /// `dPrediction = 2 * (prediction - target) / count`. Both tensors have the same shape.
    package static func meanSquaredError(_ prediction: Tensor, target: Tensor, path: KernelPath = .fast)
        -> (loss: Float, dPrediction: Tensor)
    {
        precondition(prediction.shape == target.shape, "meanSquaredError: \(prediction.shape) vs \(target.shape)")
        let count = prediction.count
        let scale = count > 0 ? 2 / Float(count) : 0
        var gradient = prediction
        var loss: Double = 0
        switch path {
        case .reference, .portable:
            for i in 0..<count {
                let difference = prediction.data[i] - target.data[i]
                loss += Double(difference) * Double(difference)
                gradient.data[i] = scale * difference
            }
        case .fast:
            gradient.data.withUnsafeMutableBufferPointer { g in
                target.data.withUnsafeBufferPointer { t in
                    var lanes = SIMD8<Double>()
                    var i = 0
                    while i + 8 <= count {
                        var difference = SIMD8<Float>()
                        for j in 0..<8 { difference[j] = g[i + j] - t[i + j] }
                        let wide = SIMD8<Double>(difference)
                        lanes += wide * wide
                        for j in 0..<8 { g[i + j] = scale * difference[j] }
                        i += 8
                    }
                    loss = lanes.sum()
                    while i < count {
                        let difference = g[i] - t[i]
                        loss += Double(difference) * Double(difference)
                        g[i] = scale * difference
                        i += 1
                    }
                }
            }
        }
        return (Float(count > 0 ? loss / Double(count) : 0), gradient)
    }
}
