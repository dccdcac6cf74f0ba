import CaecCore
import Testing

@Suite struct ImageLimitsTests {
    @Test(arguments: [
        (1, 1, true), (16384, 4096, true), (16385, 1, false), (1, 16385, false),
        (16384, 16384, false), (0, 5, false), (-1, 5, false), (Int.max, Int.max, false),
    ])
    func defaultLimits(width: Int, height: Int, admitted: Bool) {
        #expect(ImageLimits.default.admits(width: width, height: height) == admitted)
    }
}
