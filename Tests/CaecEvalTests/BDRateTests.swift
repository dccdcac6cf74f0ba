import Testing

@testable import CaecEval

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct BDRateTests {
    typealias Point = BDRate.Point

    static let jpegLike: [Point] = [
        .init(rate: 0.30, psnr: 21.0), .init(rate: 0.52, psnr: 23.3), .init(rate: 0.86, psnr: 25.6),
        .init(rate: 1.12, psnr: 26.8), .init(rate: 1.53, psnr: 28.3), .init(rate: 2.54, psnr: 31.2),
    ]

    @Test(arguments: [0.8, 0.5, 1.25])
    func scaled_rates_give_the_scale(factor: Double) {
        let test = Self.jpegLike.map { Point(rate: $0.rate * factor, psnr: $0.psnr) }
        let bd = BDRate.percent(anchor: Self.jpegLike, test: test)!
        #expect(abs(bd - (factor - 1) * 100) < 1e-9)
        let back = BDRate.percent(anchor: test, test: Self.jpegLike)!
        #expect(abs(back - (1 / factor - 1) * 100) < 1e-9)
    }

    @Test func partial_overlap_uses_the_common_interval() {
        // ln(rate) linear in PSNR, which PCHIP reproduces exactly; the test curve covers only 26-30 dB of the
        // anchor's 20-30 and runs on to 38 dB, and is 20% cheaper everywhere.
        let line = { (psnr: Double) in exp(0.2 * psnr - 5) }
        let anchor = stride(from: 20.0, through: 30, by: 2.5).map { Point(rate: line($0), psnr: $0) }
        let test = [26.0, 29, 33, 38].map { Point(rate: 0.8 * line($0), psnr: $0) }
        let bd = BDRate.percent(anchor: anchor, test: test)!
        #expect(abs(bd + 20) < 1e-9)
    }

    @Test func against_scipy_pchip() {
        // scipy.interpolate.PchipInterpolator(psnr, log(rate)).integrate over the common interval.
        let test: [Point] = [
            .init(rate: 0.25, psnr: 21.5), .init(rate: 0.40, psnr: 23.0), .init(rate: 0.80, psnr: 26.2),
            .init(rate: 1.9, psnr: 30.0),
        ]
        let bd = BDRate.percent(anchor: Self.jpegLike, test: test)!
        #expect(abs(bd - -17.347110325997) < 1e-9)
    }

    @Test func order_of_points_does_not_matter() {
        let shuffled = [3, 0, 5, 1, 4, 2].map { Self.jpegLike[$0] }
        let test = Self.jpegLike.map { Point(rate: $0.rate * 0.7, psnr: $0.psnr + 0.3) }
        #expect(BDRate.percent(anchor: shuffled, test: test) == BDRate.percent(anchor: Self.jpegLike, test: test))
    }

    @Test func no_overlap_or_too_few_points_is_nil() {
        let high = Self.jpegLike.map { Point(rate: $0.rate, psnr: $0.psnr + 20) }
        #expect(BDRate.percent(anchor: Self.jpegLike, test: high) == nil)
        #expect(BDRate.percent(anchor: Self.jpegLike, test: [Point(rate: 1, psnr: 25)]) == nil)
        #expect(BDRate.percent(anchor: [], test: Self.jpegLike) == nil)
        let unusable = [Point(rate: 0, psnr: 22), Point(rate: 1, psnr: .infinity), Point(rate: 1, psnr: 25)]
        #expect(BDRate.percent(anchor: Self.jpegLike, test: unusable) == nil)
    }
}
