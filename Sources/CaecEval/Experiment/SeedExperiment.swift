import CaecCore
import CaecModel
import CaecTensor
import CaecTrain

/// The paper's experiment on trained models: reconstruction error per rate, classifier accuracy on originals and on
/// reconstructions (the performance ratio), and the original / latent / reconstruction grids.
package struct SeedExperiment {
    /// One autoencoder's figures on the test images.
    package struct RateResult: Sendable {
        package var id: String
        package var rate: Int
        package var latentShape: [Int]
        package var parameters: Int
        /// Mean squared error on [0, 1] pixels, before rounding to 8 bits (the training loss's scale).
        package var mse: Double
        /// Mean over images of the PSNR of the 8-bit reconstruction.
        package var meanPSNR: Double
        /// Accuracy of each classifier on the 8-bit reconstructions, by classifier id.
        package var accuracy: [String: Double]
    }

    package let autoencoders: [(model: Autoencoder, parameters: Parameters)]
    package let classifiers: [(model: Classifier, parameters: Parameters)]

    package init(
        autoencoders: [(model: Autoencoder, parameters: Parameters)],
        classifiers: [(model: Classifier, parameters: Parameters)]
    ) {
        self.autoencoders = autoencoders
        self.classifiers = classifiers
    }

    /// Accuracy of every classifier on `batch`'s original images.
    package func originalAccuracy(_ batch: CIFAR10.Batch) -> [String: Double] {
        var result: [String: Double] = [:]
        for (model, parameters) in classifiers {
            result[model.id] = Self.accuracy(model, parameters, batch.planes, batch.labels)
        }
        return result
    }

    /// Every autoencoder's figures on `batch`, with `progress(done, total)` after each chunk.
    package func evaluate(_ batch: CIFAR10.Batch, progress: (Int, Int) -> Void = { _, _ in }) -> [RateResult] {
        let chunk = 500
        var results: [RateResult] = []
        let total = autoencoders.count * batch.count
        var done = 0
        for (model, parameters) in autoencoders {
            var squares: Double = 0
            var psnrSum: Double = 0
            var reconstructed = [UInt8](repeating: 0, count: batch.planes.count)
            var start = 0
            while start < batch.count {
                let end = min(start + chunk, batch.count)
                let x = Self.tensor(batch.planes, start..<end)
                let y = model.reconstruct(x, parameters)
                for i in 0..<x.count {
                    let d = Double(y.data[i] - x.data[i])
                    squares += d * d
                    reconstructed[start * 3072 + i] = UInt8(max(0, min(255, (y.data[i] * 255).rounded())))
                }
                for n in start..<end {
                    var sum: Double = 0
                    for i in n * 3072..<(n + 1) * 3072 {
                        let d = Double(reconstructed[i]) - Double(batch.planes[i])
                        sum += d * d
                    }
                    let mse = sum / 3072
                    psnrSum += min(100, PSNR.decibels(mse: mse))
                }
                done += end - start
                progress(done, total)
                start = end
            }
            var accuracy: [String: Double] = [:]
            for (classifier, classifierParameters) in classifiers {
                accuracy[classifier.id] = Self.accuracy(classifier, classifierParameters, reconstructed, batch.labels)
            }
            let latent = model.latentShape(batch: 1, height: 32, width: 32).dropFirst()
            results.append(
                RateResult(
                    id: model.id, rate: model.rate, latentShape: Array(latent),
                    parameters: model.parameterSpecs.reduce(0) { $0 + $1.count },
                    mse: squares / Double(batch.count * 3072), meanPSNR: psnrSum / Double(batch.count),
                    accuracy: accuracy))
        }
        return results
    }

    /// Rows original / latent / reconstruction for the first `count` images of `batch` (one grid per autoencoder).
    /// The latent row shows the 32 channels in a 6x6 mosaic, each channel scaled by its largest value over the shown
    /// images (latents are non-negative after ReLU and max pooling).
    package func grid(_ model: Autoencoder, _ parameters: Parameters, _ batch: CIFAR10.Batch, count: Int)
        -> [[RGBImage]]
    {
        let n = min(count, batch.count)
        let x = Self.tensor(batch.planes, 0..<n)
        let z = model.encode(x, parameters)
        let y = model.decode(z, parameters)
        let (_, C, h, w) = z.nchw
        var maxima = [Float](repeating: 1e-12, count: C)
        for i in 0..<n {
            for c in 0..<C {
                for j in 0..<h * w { maxima[c] = max(maxima[c], z.data[((i * C + c) * h * w) + j]) }
            }
        }
        let tiles = 6
        var originals: [RGBImage] = []
        var latents: [RGBImage] = []
        var reconstructions: [RGBImage] = []
        for i in 0..<n {
            originals.append(batch.image(i))
            var mosaic = RGBImage(width: tiles * w, height: tiles * h, fill: (40, 40, 60))
            for c in 0..<C {
                let (ty, tx) = (c / tiles, c % tiles)
                for yy in 0..<h {
                    for xx in 0..<w {
                        let v = z.data[((i * C + c) * h + yy) * w + xx] / maxima[c]
                        let g = UInt8(max(0, min(255, (v * 255).rounded())))
                        let p = ((ty * h + yy) * tiles * w + tx * w + xx) * 3
                        mosaic.pixels[p] = g
                        mosaic.pixels[p + 1] = g
                        mosaic.pixels[p + 2] = g
                    }
                }
            }
            latents.append(mosaic)
            var pixels = [UInt8](repeating: 0, count: 3072)
            for p in 0..<1024 {
                for ch in 0..<3 {
                    pixels[p * 3 + ch] = UInt8(max(0, min(255, (y.data[(i * 3 + ch) * 1024 + p] * 255).rounded())))
                }
            }
            reconstructions.append(RGBImage(width: 32, height: 32, pixels: pixels))
        }
        return [originals, latents, reconstructions]
    }

    static func tensor(_ planes: [UInt8], _ range: Range<Int>) -> Tensor {
        Tensor(
            shape: [range.count, 3, 32, 32],
            data: planes[range.lowerBound * 3072..<range.upperBound * 3072].map { Float($0) * (1 / 255) })
    }

    static func accuracy(_ model: Classifier, _ parameters: Parameters, _ planes: [UInt8], _ labels: [UInt8]) -> Double
    {
        var correct = 0
        var start = 0
        while start < labels.count {
            let end = min(start + 500, labels.count)
            let predictions = Classifier.predictions(model.evaluationLogits(tensor(planes, start..<end), parameters))
            for (k, prediction) in predictions.enumerated() where prediction == Int(labels[start + k]) { correct += 1 }
            start = end
        }
        return Double(correct) / Double(labels.count)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
