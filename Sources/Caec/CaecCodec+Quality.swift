extension CaecCodec {
    /// The model quality that `percent` on the common 0...100 scale stands for: `1 + round(percent x (Q - 1) / 100)`
    /// for a model of `Q` qualities, halves rounded up.
    ///
    /// 0 is the model's lowest quality (1), 100 its highest (`Q`), and 50 its middle one; the scale is the same for
    /// every model, the step between two of its qualities is not (a model of 8 qualities changes every 14.3 points,
    /// one of 4 every 33.3). `caec encode -q` uses this mapping; `--model-quality` passes the model's own index.
    ///
    /// - Parameter percent: 0...100.
    /// - Throws: `CaecError` `.invalidArgument` for `percent` outside 0...100.
    public func modelQuality(percent: Int) throws(CaecError) -> Int {
        guard let quality = Self.modelQuality(percent: percent, qualityCount: qualities.count) else {
            throw CaecError(.invalidArgument, "quality \(percent) is outside 0...100")
        }
        return quality
    }

    /// The mapping of `modelQuality(percent:)` for a model of `qualityCount` qualities; nil for `percent` outside
    /// 0...100.
    ///
    /// - Precondition: `qualityCount` is at least 1.
    public static func modelQuality(percent: Int, qualityCount: Int) -> Int? {
        precondition(qualityCount >= 1, "CaecCodec.modelQuality: a model has at least one quality")
        guard (0...100).contains(percent) else { return nil }
        // round(percent (Q - 1) / 100) with halves up, in integers: floor((2 percent (Q - 1) + 100) / 200).
        return 1 + (2 * percent * (qualityCount - 1) + 100) / 200
    }
}
