import Caec
import CaecFormat
import CaecImageIO
import CaecModel
import CaecTensor
import CaecTestSupport
import CaecTrain
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CompressAI's tiny `FactorizedPrior` and `ScaleHyperprior` (Tests/Fixtures/compressai, N = 8, M = 12) imported
/// with `ModelImport.compressAI` and run through caec's own encoder and decoder: the coded symbols are CompressAI's
/// quantised latents, the decoded pixels CompressAI's reconstruction, and the bytes close to the estimated bits.
@Suite struct CompressAICodecTests {
    static let directory = "Tests/Fixtures/compressai/"

    static func source(_ name: String) throws -> ModelImport.Source {
        try ModelImport.Source(path: name, bytes: Golden.required(directory + name))
    }

    static func codec(_ family: CompressAIArchitecture.Family) throws -> CaecCodec {
        let file = try ModelImport.compressAI([source(family.rawValue + ".safetensors")], family: family)
        return try CaecCodec(weights: file.serialized())
    }

    static func tensor(_ file: SafeTensors, _ name: String) throws -> Tensor {
        let entry = try #require(file.tensor(name), "fixture lacks \(name)")
        return Tensor(shape: entry.shape, data: entry.values)
    }

    /// The fixture's input crop (1, 3, H, W of integers 0...255) as an image.
    static func image(_ io: SafeTensors) throws -> RGBImage {
        let x = try tensor(io, "x_pixels")
        let (_, _, H, W) = x.nchw
        var pixels = [UInt8](repeating: 0, count: H * W * 3)
        for c in 0..<3 {
            for p in 0..<H * W { pixels[p * 3 + c] = UInt8(x.data[c * H * W + p]) }
        }
        return RGBImage(width: W, height: H, pixels: pixels)
    }

    /// CompressAI's x_hat as 8-bit pixels: clamp to [0, 1], x 255, round (as caec's decoder stores its output).
    static func pixels(_ xHat: Tensor) -> [UInt8] {
        let (_, _, H, W) = xHat.nchw
        var pixels = [UInt8](repeating: 0, count: H * W * 3)
        for c in 0..<3 {
            for p in 0..<H * W {
                pixels[p * 3 + c] = UInt8((min(max(xHat.data[c * H * W + p], 0), 1) * 255).rounded())
            }
        }
        return pixels
    }

    /// Medians of `entropy_bottleneck.quantiles` (1, C, 3) of a converted checkpoint.
    static func medians(_ weights: SafeTensors) throws -> [Float] {
        let quantiles = try tensor(weights, "entropy_bottleneck.quantiles")
        return stride(from: 1, to: quantiles.count, by: 3).map { quantiles.data[$0] }
    }

    /// Symbols round(v - median[c]) of CompressAI's (N, C, H, W) `hat` tensor (exactly integers plus medians).
    static func symbols(_ hat: Tensor, medians: [Float]?) -> [Int32] {
        let (_, C, H, W) = hat.nchw
        return hat.data.indices.map { i in
            Int32((hat.data[i] - (medians?[i / (H * W) % C] ?? 0)).rounded(.toNearestOrEven))
        }
    }

    /// Pixels of `a` and `b` that differ, and the largest difference.
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> (count: Int, largest: Int) {
        let d = zip(a, b).map { abs(Int($0) - Int($1)) }
        return (d.filter { $0 > 0 }.count, d.max() ?? 0)
    }

    @Test func factorizedEncodesAndDecodesAsCompressAI() throws {
        let codec = try Self.codec(.factorized)
        let weights = try SafeTensors(parsing: Golden.required(Self.directory + "bmshj2018-factorized.safetensors"))
        let io = try SafeTensors(parsing: Golden.required(Self.directory + "bmshj2018-factorized-io.safetensors"))
        #expect(codec.modelID == "bmshj2018-factorized" && codec.qualities == 1...1)
        let image = try Self.image(io)
        let file = try codec.encode(image, quality: 1)
        let info = try Caec.peek(file)
        #expect(info.modelCode == 18 && info.modelID == "bmshj2018-factorized")

        // The coded symbols are CompressAI's y_hat around its medians.
        let (_, payload, _) = try CAEReader.read(file)
        let symbols = try codec.model.symbols(payload: payload, height: 2, width: 2, quality: 1)
        let yHat = try Self.tensor(io, "y_hat")
        #expect(symbols == Self.symbols(yHat, medians: try Self.medians(weights)))

        // Decoded pixels: CompressAI's x_hat, clamped and rounded to 8 bits, within one level.
        let decoded = try codec.decode(file)
        let difference = Self.difference(decoded.pixels, Self.pixels(try Self.tensor(io, "x_hat")))
        #expect(difference.largest <= 1, "pixels: \(difference)")

        // The y stream against CompressAI's estimate: 48 symbols, so rANS's 4-byte final state weighs here.
        let estimated = Double(try #require(io.metadata["estimated_bits"]))!
        let coded = Double(payload.count * 8)
        #expect(coded <= estimated + 40 && coded >= estimated - 8, "coded \(coded) bits, estimated \(estimated)")
    }

    @Test func hyperpriorEncodesAndDecodesAsCompressAI() throws {
        let codec = try Self.codec(.hyperprior)
        let weights = try SafeTensors(parsing: Golden.required(Self.directory + "bmshj2018-hyperprior.safetensors"))
        let io = try SafeTensors(parsing: Golden.required(Self.directory + "bmshj2018-hyperprior-io.safetensors"))
        let image = try Self.image(io)
        let file = try codec.encode(image, quality: 1)
        #expect(try Caec.peek(file).modelCode == 19)
        let (_, payload, _) = try CAEReader.read(file)
        let symbols = try codec.model.symbols(payload: payload, height: 4, width: 4, quality: 1)
        #expect(symbols == Self.symbols(try Self.tensor(io, "y_hat"), medians: nil))
        _ = weights

        let decoded = try codec.decode(file)
        let difference = Self.difference(decoded.pixels, Self.pixels(try Self.tensor(io, "x_hat")))
        #expect(difference.largest <= 1, "pixels: \(difference)")

        let estimated = Double(try #require(io.metadata["estimated_bits"]))!
        let coded = Double(payload.count * 8)
        // Two streams (z: 8 symbols, y: 192) and z's length byte: about 80 bits of fixed cost on 826 estimated.
        // CompressAI's own `compress` strings take 116 bytes here (928 bits).
        #expect(coded <= estimated + 80 && coded >= estimated - 16, "coded \(coded) bits, estimated \(estimated)")
        let compressAIBits = Double(try #require(io.metadata["compressai_compress_bytes"]).description)! * 8
        #expect(coded < compressAIBits)
    }

    /// On a 256x256 photo, where the streams' fixed cost is small, the payload against the model's estimated bits
    /// (-log2 of the likelihoods of the coded symbols, which equal CompressAI's to 1e-4 on the fixture crops,
    /// CompressAIFixtureTests). Factorized: within 1%. Hyperprior: within 1% of what caec's tables give the y
    /// symbols (plus z's estimate), and never above the continuous estimate by more than 1%; this undertrained
    /// model (60 steps) underestimates its scales, and the integer tables' heavier tails (each symbol at least
    /// 1/2^16, escapes for the rest, where the estimate floors likelihoods at 1e-9) code its y in 1.8% fewer bits
    /// than the Gaussian density says (measured: 13,608 coded, 13,769 estimated).
    @Test(arguments: CompressAIArchitecture.Family.allCases)
    func payloadIsWithinOnePercentOfTheEstimatedBits(family: CompressAIArchitecture.Family) throws {
        let codec = try Self.codec(family)
        let image = try ImageReader.read(Golden.required("Samples/images/kodim23-crop256.png"))
        let file = try codec.encode(image, quality: 1)
        let (_, payload, _) = try CAEReader.read(file)
        let coded = Double(payload.count * 8)
        let latent = try codec.latent(image, quality: 1)
        let (h, w) = (latent.shape[2], latent.shape[3])
        let symbols = codec.model.symbols(latent, quality: 1)
        let parameters = codec.model.parameters
        let y = Tensor(shape: latent.shape, data: symbols.map(Float.init))
        func bits(_ likelihoods: Tensor) -> Double { likelihoods.data.reduce(0) { $0 - log2(Double($1)) } }
        if let model = codec.model.network as? CompressAIFactorizedModel {
            let yHat = CompressAIArchitecture.adding(model.medians(quality: 1, parameters), to: y)
            let estimated = bits(model.bottlenecks[0].likelihoods(yHat, parameters))
            #expect(abs(coded - estimated) <= 0.01 * estimated, "coded \(coded) bits, estimated \(estimated)")
            return
        }
        let model = try #require(codec.model.network as? CompressAIHyperpriorModel)
        let z = model.hyperLatentSymbols(latent, quality: 1, parameters)
        let zHat = CompressAIArchitecture.adding(model.medians(quality: 1, parameters), to: z)
        let zBits = bits(model.bottlenecks[0].likelihoods(zHat, parameters))
        let scales = model.scales(z, quality: 1, height: h, width: w, parameters)
        let estimated = zBits + bits(GaussianConditional.likelihoods(y, scales: scales))
        let conditional = try #require(codec.model.conditional)
        let indices = model.scaleIndices(z, quality: 1, height: h, width: w, bounds: conditional.bounds, parameters)
        var tableBits = zBits
        for (i, k) in symbols.enumerated() {
            let table = conditional.tables[Int(indices[i])]
            let index = table.contains(k) ? Int(k - table.minSymbol) : table.escapeIndex
            tableBits -= log2(Double(table.frequencies[index]) / Double(table.total))
        }
        #expect(abs(coded - tableBits) <= 0.01 * tableBits, "coded \(coded) bits, the tables' \(tableBits)")
        #expect(coded <= 1.01 * estimated, "coded \(coded) bits, estimated \(estimated)")
    }
}
