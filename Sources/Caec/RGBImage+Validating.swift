extension RGBImage {
    /// Wraps pixels from an untrusted source, checking the size instead of trapping.
    ///
    /// `RGBImage(width:height:pixels:)` stops the process on a wrong size (a programming error inside caec); use
    /// this initialiser for buffers an app receives or computes.
    ///
    /// - Parameters:
    ///   - width: pixels per row, at least 1.
    ///   - height: rows, at least 1.
    ///   - pixels: `width x height x 3` bytes, row after row, each pixel `R, G, B`.
    /// - Throws: `CaecError` `.invalidArgument` for a side below 1, a size whose byte count overflows `Int`, or a
    ///   buffer of another length (the message gives both lengths).
    public init(width: Int, height: Int, validating pixels: [UInt8]) throws(CaecError) {
        guard width >= 1, height >= 1 else {
            throw CaecError(.invalidArgument, "image size \(width)x\(height): width and height must be at least 1")
        }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        let (bytes, overflow3) = count.multipliedReportingOverflow(by: 3)
        guard !overflow, !overflow3 else {
            throw CaecError(.invalidArgument, "image size \(width)x\(height) overflows")
        }
        guard pixels.count == bytes else {
            throw CaecError(
                .invalidArgument,
                "pixel buffer has \(pixels.count) bytes; a \(width)x\(height) RGB image needs \(bytes)")
        }
        self.init(width: width, height: height, pixels: pixels)
    }
}
