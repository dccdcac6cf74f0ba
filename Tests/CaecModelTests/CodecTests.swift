import CaecModel
import CaecTestSupport
import Testing

/// The codec's one quantisation rule and the one reader and writer of the `codec.*` tensors.
@Suite struct QuantizerTests {
    @Test func roundsHalfToEvenClampsAndZeroesNaN() {
        let cases: [(Float, Int32)] = [
            (0.5, 0), (1.5, 2), (2.5, 2), (-0.5, 0), (-1.5, -2), (0.49, 0), (-3.7, -4),
            (3e9, 1 << 30), (-3e9, -(1 << 30)), (.infinity, 1 << 30), (-.infinity, -(1 << 30)), (.nan, 0),
        ]
        for (value, symbol) in cases { #expect(Quantizer.symbol(value) == symbol, "\(value)") }
    }

    @Test func scalesPerChannelBeforeRounding() {
        // (N, C, h, w) = (2, 2, 1, 2): channel 0 then channel 1 of each sample.
        let latent: [Float] = [1, 2, 3, 4, -1, -2, .nan, 8]
        let dividing = Quantizer(.dividing(by: [2, 0.5]))
        #expect(dividing.quantize(latent, planeSize: 2) == [0, 1, 6, 8, 0, -1, 0, 16])
        let multiplying = Quantizer(.multiplying(by: [0.5, 2]))
        #expect(multiplying.quantize(latent, planeSize: 2) == [0, 1, 6, 8, 0, -1, 0, 16])
        #expect(dividing.channels == 2)
    }
}

@Suite struct CodecTensorsTests {
    static func file(_ codec: CodecTensors) -> WeightsFile {
        WeightsFile(modelID: "cae-r2", metadata: [], tensors: codec.tensors)
    }

    @Test func writesAndReadsTheLadder() throws {
        let codec = CodecTensors(
            scales: [1, 2],
            qualities: [.init(steps: [0.5, 0.25], tables: [1, 2, 3]), .init(steps: [0.1, 0.2], tables: [])])
        #expect(
            codec.tensors.map(\.name) == [
                "codec.scale", "codec.q1.step", "codec.q1.tables", "codec.q2.step", "codec.q2.tables",
            ])
        #expect(try CodecTensors(reading: Self.file(codec), channels: 2, maxQualities: 63) == codec)
        #expect(Self.file(codec).removingCodecTensors().tensors.isEmpty)
    }

    @Test func refusesBrokenLadders() {
        let good = CodecTensors(scales: [1], qualities: [.init(steps: [1], tables: [0])])
        #expect(throws: CodecTensorsError("weights lack the codec's latent scales (run `caec calibrate`)")) {
            try CodecTensors(reading: Self.file(good), channels: 2, maxQualities: 63)
        }
        let zero = CodecTensors(scales: [1], qualities: [.init(steps: [0], tables: [0])])
        #expect(throws: CodecTensorsError("codec quality 1 is malformed")) {
            try CodecTensors(reading: Self.file(zero), channels: 1, maxQualities: 63)
        }
        let none = CodecTensors(scales: [1], qualities: [])
        #expect(throws: CodecTensorsError("weights have no codec operating points (run `caec calibrate`)")) {
            try CodecTensors(reading: Self.file(none), channels: 1, maxQualities: 63)
        }
        var gap = Self.file(good)
        gap.tensors.append(NamedTensor(name: "codec.q3.step", kind: .buffer, shape: [1], storage: .float32([1])))
        #expect(throws: CodecTensorsError("weights have codec tensors beyond quality 1")) {
            try CodecTensors(reading: gap, channels: 1, maxQualities: 63)
        }
    }
}
