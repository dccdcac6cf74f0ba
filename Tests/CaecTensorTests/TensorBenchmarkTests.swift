import CaecTensor
import Testing

@Suite struct TensorBenchmarkTests {
    /// A tiny run: the lines are produced and the deterministic counter is right (no timing is checked).
    @Test func smallRunReportsCounters() {
        let lines = TensorParallelism.$maxWorkers.withValue(2) {
            TensorBenchmark.run(repetitions: 1, width: 8, height: 6)
        }
        #expect(lines.count == 9)
        #expect(lines[0].hasPrefix("cpu: "))
        // 128 * 128 * 25 MACs per output pixel, output 4 x 3.
        #expect(lines[3].contains("\(128 * 128 * 25 * 12) MACs"))
        #expect(lines[6].contains("\(128 * 128 * 25 * 12) MACs"))
    }
}
