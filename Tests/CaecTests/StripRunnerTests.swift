import Caec
import CaecModel
import CaecTensor
import CaecTestSupport
import Testing

/// Strip-by-strip encoding gives exactly what one pass gives (decoding agrees to float precision), so memory can be
/// bounded for any image size.
@Suite struct StripRunnerTests {
    @Test(arguments: ["cae-r2", "cae-r4", "cae-r8", "cae-r16"])
    func stripsEqualOnePass(id: String) throws {
        let codec = try ShippedCodecs.codec(id)
        let model = codec.model
        let autoencoder = try #require(model.network as? Autoencoder)
        let r = model.rate
        var random = SeededRandom(seed: 3)
        let (H, W) = (r * 11, r * 3)
        let image = Tensor(shape: [1, 3, H, W], data: random.floats(3 * H * W, in: 0..<1))
        let whole = autoencoder.encode(image, model.parameters)
        // Budgets so small that every strip is one or two rate-rows tall.
        for rows in [r, 2 * r, 3 * r] {
            let runner = StripRunner(
                scale: (1, r), halo: r, inputAlign: r, channelsPerRow: 1, budgetElements: rows)
            #expect(runner.rowsPerStrip == rows)
            let strips = runner.run(image) { autoencoder.encode($0, model.parameters) }
            #expect(strips.shape == whole.shape)
            #expect(strips.data == whole.data, "encoder, \(rows) rows per strip")
        }
        let decodedWhole = autoencoder.decode(whole, model.parameters)
        for rows in [1, 2, 5] {
            let runner = StripRunner(scale: (r, 1), halo: 4, inputAlign: 1, channelsPerRow: 1, budgetElements: rows)
            let strips = runner.run(whole) { autoencoder.decode($0, model.parameters) }
            #expect(strips.shape == decodedWhole.shape)
            // The decoder runs the fast (sgemm) kernels, whose rounding depends on the matrix shapes: the strips
            // agree to float precision, and a halo too small would show as errors of whole pixel levels at the seams.
            expectClose(strips.data, decodedWhole.data, maxAbs: 1e-5)
        }
    }
}
