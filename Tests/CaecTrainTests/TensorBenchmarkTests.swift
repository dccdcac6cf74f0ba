import CaecTensor
import CaecTrain
import Testing

@Suite struct TensorBenchmarkTests {
    /// A tiny run: the lines are produced and the deterministic counters are right (no timing is checked).
    @Test func smallRunReportsCounters() {
        let lines = TensorParallelism.$maxWorkers.withValue(2) {
            TensorBenchmark.run(repetitions: 1, width: 8, height: 6)
        }
        #expect(lines.count == 14)
        #expect(lines[0].hasPrefix("blas: ") && lines[0].contains("; cpu: "))
        // 128 * 128 * 25 MACs per output pixel, output 4 x 3.
        #expect(lines[3].contains("\(128 * 128 * 25 * 12) MACs"))
        #expect(lines[6].contains("\(128 * 128 * 25 * 12) MACs"))
        // GDN: 64 * 64 MACs per pixel of a 4 x 3 plane; the portable lines (1 and 2 workers) report bit-identity.
        #expect(lines[9].contains("\(64 * 64 * 12) MACs"))
        #expect(lines[11].hasSuffix("bit-identical: true"))
        #expect(lines[12].hasSuffix("bit-identical: true"))
    }
}
