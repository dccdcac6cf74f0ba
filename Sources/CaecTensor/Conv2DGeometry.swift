/// The window of a 2-D convolution or pooling: kernel extent, stride and symmetric zero padding.
///
/// For an input of height `H` the output height is `(H + 2 * padH - kernelHeight) / strideH + 1` (floor), as in
/// PyTorch's `Conv2d` with dilation 1. A transposed convolution with the same geometry maps that output size back,
/// `(OH - 1) * strideH - 2 * padH + kernelHeight + outputPaddingH`.
package struct Conv2DGeometry: Sendable, Equatable, CustomStringConvertible {
    package var kernelHeight: Int
    package var kernelWidth: Int
    package var strideH: Int
    package var strideW: Int
    /// Zero rows added above and below the input.
    package var padH: Int
    /// Zero columns added left and right of the input.
    package var padW: Int

    /// A geometry with every extent spelled out. Traps on a non-positive kernel or stride or a negative padding.
    package init(kernelHeight: Int, kernelWidth: Int, strideH: Int = 1, strideW: Int = 1, padH: Int = 0, padW: Int = 0)
    {
        precondition(kernelHeight > 0 && kernelWidth > 0, "Conv2DGeometry: kernel must be positive")
        precondition(strideH > 0 && strideW > 0, "Conv2DGeometry: stride must be positive")
        precondition(padH >= 0 && padW >= 0, "Conv2DGeometry: padding must not be negative")
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideH = strideH
        self.strideW = strideW
        self.padH = padH
        self.padW = padW
    }

    /// A square kernel with equal strides and paddings in both directions.
    package init(kernelSize: Int, stride: Int = 1, padding: Int = 0) {
        self.init(
            kernelHeight: kernelSize, kernelWidth: kernelSize, strideH: stride, strideW: stride, padH: padding,
            padW: padding)
    }

    /// Output extent of a convolution over an `height` x `width` input. Traps if the window does not fit.
    package func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        let paddedHeight = height + 2 * padH
        let paddedWidth = width + 2 * padW
        precondition(
            paddedHeight >= kernelHeight && paddedWidth >= kernelWidth,
            "Conv2DGeometry: input \(height)x\(width) smaller than the window \(self)")
        return ((paddedHeight - kernelHeight) / strideH + 1, (paddedWidth - kernelWidth) / strideW + 1)
    }

    /// Output extent of the transposed convolution over an `height` x `width` input.
    ///
    /// `outputPadding` (each < the stride) adds rows/columns at the bottom/right so that a stride-2 layer can
    /// double an even size exactly (Ballé et al. / CompressAI use 5x5, stride 2, padding 2, output padding 1).
    package func transposedOutputSize(height: Int, width: Int, outputPaddingH: Int = 0, outputPaddingW: Int = 0)
        -> (height: Int, width: Int)
    {
        precondition(
            outputPaddingH >= 0 && outputPaddingH < strideH && outputPaddingW >= 0 && outputPaddingW < strideW,
            "Conv2DGeometry: output padding must be in 0..<stride")
        let outHeight = (height - 1) * strideH - 2 * padH + kernelHeight + outputPaddingH
        let outWidth = (width - 1) * strideW - 2 * padW + kernelWidth + outputPaddingW
        precondition(outHeight > 0 && outWidth > 0, "Conv2DGeometry: empty transposed output for \(self)")
        return (outHeight, outWidth)
    }

    package var description: String {
        "kernel \(kernelHeight)x\(kernelWidth) stride \(strideH)x\(strideW) pad \(padH)x\(padW)"
    }
}
