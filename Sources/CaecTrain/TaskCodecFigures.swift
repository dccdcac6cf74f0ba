import CaecModel
import CaecTensor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The figures a task-aware codec's shipped weights record about the first CIFAR-10 test images, so that a test can
/// check that the shipped file reproduces them (`test<N>_bpp_q<q>`, `test<N>_psnr_q<q>`, `test<N>_agreement_q<q>`
/// and `test<N>_judge` in the weights' metadata, written by `caec train cifar --codec-eval`).
///
/// Per quality q, over images of 32x32: the estimated rate of the rounded latent under the quality's density
/// (bits / 1,024 pixels, averaged; the `.cae` payload is within a few bytes of it), the mean over images of the PSNR
/// (dB) of the reconstruction clamped to [0, 1] and rounded to 8 bits (as the decoder outputs it) against the
/// original, and the share of images on which the judge classifier's top-1 answer for the reconstruction equals its
/// answer for the original (the paper's agreement; the judge never saw a reconstruction in training).
package enum TaskCodecFigures {
    package struct Row: Equatable, Sendable {
        /// 1-based.
        package var quality: Int
        package var bpp: Double
        package var psnr: Double
        /// In [0, 1]; nil where the quality was not judged.
        package var agreement: Double?
    }

    /// Images per model call.
    static let batchSize = 250

    /// The figures of `model` with `parameters` on the first `count` images of `images` at `qualities` (1-based;
    /// all by default), agreement where `judged` holds the quality (all by default), judged by `judge`.
    package static func measure(
        model: RateDistortionModel, _ parameters: Parameters, judge: Classifier, _ judgeParameters: Parameters,
        images: CIFAR10.Batch, count: Int, qualities: [Int]? = nil, judged: Set<Int>? = nil
    ) -> [Row] {
        precondition(count > 0 && count <= images.count, "TaskCodecFigures: \(count) of \(images.count) images")
        let qualities = qualities ?? Array(1...model.qualities)
        let judged = judged ?? Set(qualities)
        let pixels = 3 * CIFAR10.side * CIFAR10.side
        var sums = [(bits: Double, psnr: Double, agreeing: Int)](repeating: (0, 0, 0), count: qualities.count)
        for start in stride(from: 0, to: count, by: batchSize) {
            let end = min(count, start + batchSize)
            let x = Tensor(
                shape: [end - start, 3, CIFAR10.side, CIFAR10.side],
                data: images.planes[start * pixels..<end * pixels].map { Float($0) * (1 / 255) })
            let original = Classifier.predictions(judge.evaluationLogits(x, judgeParameters))
            for (slot, quality) in qualities.enumerated() {
                var (reconstruction, bits) = model.reconstruct(x, quality: quality - 1, parameters)
                for i in reconstruction.data.indices {
                    reconstruction.data[i] = (min(max(reconstruction.data[i], 0), 1) * 255).rounded() / 255
                }
                let answers =
                    judged.contains(quality)
                    ? Classifier.predictions(judge.evaluationLogits(reconstruction, judgeParameters)) : nil
                for i in 0..<(end - start) {
                    var squares: Double = 0
                    for k in i * pixels..<(i + 1) * pixels {
                        let d = Double(reconstruction.data[k]) - Double(x.data[k])
                        squares += d * d
                    }
                    // An exact reconstruction counts as 100 dB, as `caec compare` caps it.
                    sums[slot].psnr += squares == 0 ? 100 : min(100, 10 * log10(Double(pixels) / squares))
                    sums[slot].bits += bits[i]
                    if let answers, answers[i] == original[i] { sums[slot].agreeing += 1 }
                }
            }
        }
        return zip(qualities, sums).map { quality, sum in
            Row(
                quality: quality, bpp: sum.bits / Double(count * CIFAR10.side * CIFAR10.side),
                psnr: sum.psnr / Double(count),
                agreement: judged.contains(quality) ? Double(sum.agreeing) / Double(count) : nil)
        }
    }

    /// The metadata entries of `rows` measured on the first `count` test images with judge `judgeID`.
    package static func metadata(_ rows: [Row], count: Int, judgeID: String) -> [(key: String, value: String)] {
        [("test\(count)_judge", judgeID)]
            + rows.flatMap { row in
                [
                    ("test\(count)_bpp_q\(row.quality)", "\(row.bpp)"),
                    ("test\(count)_psnr_q\(row.quality)", "\(row.psnr)"),
                ] + (row.agreement.map { [("test\(count)_agreement_q\(row.quality)", "\($0)")] } ?? [])
            }
    }
}
