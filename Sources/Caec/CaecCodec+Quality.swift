import CaecModel

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

extension CaecCodec {
    /// The model quality that `percent` on the common 0...100 scale stands for, on this model's own scale: for a
    /// model with `continuousQualities`, `1 + percent x (Q - 1) / 100` rounded to the nearest 1/256 (so every
    /// percent is a distinct operating point: 7/100 of a quality apart for 8 qualities); for the others, the
    /// integer `modelQuality(percent:)`. 0 is the lowest quality and 100 the highest either way.
    ///
    /// - Parameter percent: 0...100.
    /// - Throws: `CaecError` `.invalidArgument` for `percent` outside 0...100.
    public func scaledQuality(percent: Int) throws(CaecError) -> Double {
        guard continuousQualities else { return Double(try modelQuality(percent: percent)) }
        guard (0...100).contains(percent) else {
            throw CaecError(.invalidArgument, "quality \(percent) is outside 0...100")
        }
        return Self.continuousQuality(percent: percent, qualityCount: qualities.count)
    }

    /// `1 + percent x (qualityCount - 1) / 100` rounded to the nearest 1/256, halves up, in integers:
    /// `floor((512 percent (Q - 1) + 100) / 200) / 256`.
    ///
    /// - Precondition: `percent` in 0...100, `qualityCount` at least 1.
    static func continuousQuality(percent: Int, qualityCount: Int) -> Double {
        precondition((0...100).contains(percent) && qualityCount >= 1, "CaecCodec.continuousQuality: arguments")
        let steps: Int = ModelQuality.steps
        let units: Int = (2 * steps * percent * (qualityCount - 1) + 100) / 200
        return 1 + Double(units) / Double(steps)
    }
}
