import CaecTensor

/// Runs a fully convolutional transform over horizontal strips of a (1, C, H, W) tensor and stitches the results,
/// so that memory grows with the strip, not the image.
///
/// The result equals one pass over the whole tensor bit for bit when: every strip starts on a multiple of
/// `inputAlign` input rows (so strides and pooling windows fall where they would in one pass), and `halo` extra input
/// rows on each side cover the transform's receptive field (so the zero padding at a strip's cut never reaches a
/// kept output row). Each output element is then computed from the same inputs by the same operations.
package struct StripRunner: Sendable {
    /// Output rows per input row: `numerator / denominator` (1/16 for an encoder of rate 16, 16/1 for its decoder).
    package let numerator: Int
    package let denominator: Int
    /// Extra input rows read above and below each strip; a multiple of `inputAlign`.
    package let halo: Int
    /// Strip boundaries fall on multiples of this many input rows.
    package let inputAlign: Int
    /// Input rows per strip (before the halo): a multiple of `inputAlign`.
    package let rowsPerStrip: Int

    /// - Parameters:
    ///   - scale: (numerator, denominator) output rows per input row.
    ///   - halo: receptive-field radius in input rows (rounded up to a multiple of `inputAlign`).
    ///   - inputAlign: the row granularity of the transform's input (the rate for an encoder, 1 for a decoder).
    ///   - budgetElements: a strip's widest intermediate tensor, in floats, should stay under this;
    ///     `channelsPerRow` is that tensor's floats per input row.
    package init(
        scale: (numerator: Int, denominator: Int), halo: Int, inputAlign: Int, channelsPerRow: Int,
        budgetElements: Int = 1 << 26
    ) {
        precondition(scale.numerator > 0 && scale.denominator > 0 && inputAlign > 0 && halo >= 0, "StripRunner")
        numerator = scale.numerator
        denominator = scale.denominator
        self.inputAlign = inputAlign
        self.halo = (halo + inputAlign - 1) / inputAlign * inputAlign
        let rows = max(1, budgetElements / max(1, channelsPerRow))
        rowsPerStrip = max(inputAlign, rows / inputAlign * inputAlign)
    }

    /// `transform(input)`, computed strip by strip.
    package func run(_ input: Tensor, _ transform: (Tensor) -> Tensor) -> Tensor {
        let (_, C, H, W) = input.nchw
        precondition(H % inputAlign == 0, "StripRunner: height \(H) is not a multiple of \(inputAlign)")
        guard H > rowsPerStrip else { return transform(input) }
        var output: Tensor?
        var outputRow = 0
        var start = 0
        while start < H {
            let end = min(H, start + rowsPerStrip)
            let low = max(0, start - halo)
            let high = min(H, end + halo)
            let strip = Tensor(
                shape: [1, C, high - low, W], data: Self.rows(input.data, channels: C, height: H, width: W, low..<high))
            let result = transform(strip)
            let (_, OC, OH, OW) = result.nchw
            let keepFrom = (start - low) * numerator / denominator
            let keepTo = (end - low) * numerator / denominator
            precondition(keepTo <= OH, "StripRunner: the transform returned \(OH) rows, fewer than \(keepTo)")
            if output == nil {
                output = Tensor(shape: [1, OC, H * numerator / denominator, OW])
            }
            let total = output!.shape[2]
            for c in 0..<OC {
                let source = (c * OH + keepFrom) * OW
                let destination = (c * total + outputRow) * OW
                let count = (keepTo - keepFrom) * OW
                output!.data.replaceSubrange(
                    destination..<destination + count, with: result.data[source..<source + count])
            }
            outputRow += keepTo - keepFrom
            start = end
        }
        return output!
    }

    /// Rows `range` of every channel of a (1, C, H, W) buffer.
    private static func rows(_ data: [Float], channels C: Int, height H: Int, width W: Int, _ range: Range<Int>)
        -> [Float]
    {
        var out: [Float] = []
        out.reserveCapacity(C * range.count * W)
        for c in 0..<C { out.append(contentsOf: data[(c * H + range.lowerBound) * W..<(c * H + range.upperBound) * W]) }
        return out
    }
}
