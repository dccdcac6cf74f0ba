import CaecModel
import CaecTensor
import Foundation
import Testing

/// `GainInterpolation` and `ModelQuality` (Spec/cae-format.md §3.5, §9.2).
@Suite struct GainInterpolationTests {
    static let gains = Tensor(shape: [3, 4], data: [1, 2, 0.5, 3, 4, 2, 8, 3, 16, 1, 8, -1])

    @Test func integerQualitiesAreTheTrainedRows() {
        for q in 1...3 {
            #expect(
                GainInterpolation.gains(Self.gains, at: ModelQuality(index: q))
                    == Array(Self.gains.data[(q - 1) * 4..<q * 4]))
        }
    }

    /// Within one binary32 rounding of a^(1-t) b^t from binary64 `pow`, for every step; positive pairs only.
    @Test func stepsFollowTheGeometricInterpolation() {
        for (a, b) in [(1.0, 4.0), (2.0, 2.0), (0.5, 8.0), (37.5, 0.125), (1e-3, 1e3)] {
            var previous = Float(a)
            for fraction in 1..<256 {
                let t = Double(fraction) / 256
                let exact = pow(a, 1 - t) * pow(b, t)
                let got = GainInterpolation.interpolate(a, b, fraction: fraction)
                #expect(abs(Double(got) - exact) <= Double(Float(exact).ulp), "\(a) \(b) \(fraction)")
                #expect(b >= a ? got >= previous : got <= previous)
                previous = got
            }
        }
        #expect(GainInterpolation.interpolate(4, 16, fraction: 128) == 8)
    }

    @Test func brokenGainsInterpolateLinearly() {
        #expect(GainInterpolation.interpolate(3, -1, fraction: 64) == 2)
        #expect(GainInterpolation.interpolate(0, 2, fraction: 128) == 1)
        #expect(GainInterpolation.gains(Self.gains, at: ModelQuality(index: 2, fraction: 128))[3] == 1)
    }

    @Test func qualitiesRoundToTheNearest256thAndPrintAsTheShortestDecimalThatRoundsBack() {
        #expect(ModelQuality(rounding: 4.3) == ModelQuality(index: 4, fraction: 77))
        #expect(ModelQuality(rounding: 4.3)!.description == "4.3")
        #expect(ModelQuality(index: 2, fraction: 1).description == "2.004")
        #expect(ModelQuality(index: 2, fraction: 255).description == "2.996")
        for fraction in 1..<ModelQuality.steps {
            let point = ModelQuality(index: 3, fraction: fraction)
            #expect(ModelQuality(rounding: Double(point.description)!) == point, "\(point.description)")
            let decimals = point.description.split(separator: ".")[1]
            #expect(decimals.count <= 3 && !decimals.hasSuffix("0"), "\(point.description)")
        }
        #expect(ModelQuality(index: 4, fraction: 128).description == "4.5")
        #expect(ModelQuality(index: 7).description == "7" && ModelQuality(units: 257).value == 1 + 1.0 / 256)
        #expect(ModelQuality(rounding: .nan) == nil && ModelQuality(rounding: -1) == nil)
    }
}
