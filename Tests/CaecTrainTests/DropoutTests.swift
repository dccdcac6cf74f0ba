import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

@Suite struct DropoutTests {
    @Test func dropout() {
        var random = SeededRandom(seed: 2200)
        let x = Tensor(shape: [4, 8, 16, 16], data: random.floats(8192))
        let (output, mask) = Tensor.dropout(x, rate: 0.25, seed: 42)
        // Same seed, same mask on both paths; another seed, another mask.
        #expect(Tensor.dropout(x, rate: 0.25, seed: 42, path: .reference).mask == mask)
        #expect(Tensor.dropout(x, rate: 0.25, seed: 43).mask != mask)
        let kept = mask.data.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == Float(1) / 0.75 })
        // 8192 Bernoulli(0.75) draws: the kept fraction lies within 4 standard deviations (0.019) of 0.75.
        #expect(abs(Float(kept.count) / Float(mask.count) - 0.75) < 0.02)
        #expect(output == Tensor.multiply(x, mask))
        let dy = Tensor(shape: x.shape, data: random.floats(8192))
        #expect(Tensor.dropoutBackward(dy, mask: mask) == Tensor.multiply(dy, mask))
        #expect(Tensor.dropout(x, rate: 0, seed: 1).output == x)
    }
}
