import CaecCore
import Testing

@Suite struct NumberFormatTests {
    /// Whole numbers print without a fraction; others as the shortest decimal that reads back exactly.
    @Test(arguments: [
        (9.0, "9"), (1.0, "1"), (-2.0, "-2"), (0.0, "0"), (-0.0, "0"), (4.5, "4.5"), (4.3, "4.3"),
        (4.30078125, "4.30078125"), (0.001, "0.001"), (1e20, "1e+20"), (Double.nan, "nan"), (-Double.infinity, "-inf"),
    ])
    func shortest(value: Double, text: String) {
        #expect(NumberFormat.shortest(value) == text)
    }

    @Test(arguments: [(2.5, 0, "3"), (-2.5, 0, "-3"), (0.1, 3, "0.100"), (-0.0004, 3, "0.000")])
    func fixed(value: Double, digits: Int, text: String) {
        #expect(NumberFormat.fixed(value, digits) == text)
    }
}
