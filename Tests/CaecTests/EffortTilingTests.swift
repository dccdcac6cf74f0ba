import Caec
import CaecModel
import CaecTensor
import CaecTestSupport
import Testing

/// The `--effort` search in tiles (`LatentTilePlan`): the plan's cores partition the latent and its halos cover the
/// synthesis's reach, a 16-megapixel image is cut into tiles whose search fits the memory budget, and the tiled
/// measure of distortion equals the whole-image one.
@Suite struct EffortTilingTests {
    /// Every latent element is in exactly one core; cores are at most `side` a side and differ by at most one
    /// element per axis; padded rectangles are the cores grown by the halo, clipped at the edges.
    @Test(arguments: [
        (1, 1, 96, 4), (32, 48, 96, 4), (97, 96, 96, 4), (240, 256, 96, 4), (13, 10, 4, 3), (7, 30, 2, 0),
    ])
    func coresPartitionTheLatent(height: Int, width: Int, side: Int, halo: Int) {
        let plan = LatentTilePlan(height: height, width: width, side: side, halo: halo)
        var covered = [Int](repeating: 0, count: height * width)
        for tile in plan.tiles {
            #expect(tile.coreRows.count <= side && tile.coreColumns.count <= side)
            #expect(!tile.coreRows.isEmpty && !tile.coreColumns.isEmpty)
            #expect(tile.rows == max(0, tile.coreRows.lowerBound - halo)..<min(height, tile.coreRows.upperBound + halo))
            #expect(
                tile.columns
                    == max(0, tile.coreColumns.lowerBound - halo)..<min(width, tile.coreColumns.upperBound + halo))
            for row in tile.coreRows {
                for column in tile.coreColumns { covered[row * width + column] += 1 }
            }
        }
        #expect(covered.allSatisfy { $0 == 1 })
        let rowsPerTile = Set(plan.tiles.map(\.coreRows.count))
        #expect(rowsPerTile.max()! - rowsPerTile.min()! <= 1)
        #expect(plan.tiles.count == ((height + side - 1) / side) * ((width + side - 1) / side))
    }

    /// A Kodak-sized latent (768x512) is one tile, the whole image, so its search is the whole-image search; a
    /// 4096x4096 image (16.8 Mpx) is cut into 9 tiles of cores of 85-86 latent elements a side, at most 93 x 93
    /// with their halos (1488 x 1488 pixels, 2.2 Mpx).
    @Test func tilesOfKodakAndOfSixteenMegapixels() {
        let kodak = LatentTilePlan(height: 32, width: 48, halo: 4)
        #expect(kodak.tiles == [.init(coreRows: 0..<32, coreColumns: 0..<48, rows: 0..<32, columns: 0..<48)])
        let large = LatentTilePlan(height: 256, width: 256, halo: 4)
        #expect(large.tiles.count == 9)
        #expect(large.tiles.map(\.area).max()! == 93 * 93)
        #expect(Set(large.tiles.map(\.coreRows.count)) == [85, 86])
    }

    /// Cropping every tile and keeping its core rebuilds the tensor.
    @Test func cropsAndCoresRoundTrip() {
        var random = SeededRandom(seed: 3)
        let tensor = Tensor(shape: [1, 3, 9, 11], data: random.floats(297))
        let plan = LatentTilePlan(height: 9, width: 11, side: 4, halo: 2)
        var rebuilt = Tensor(shape: tensor.shape)
        for tile in plan.tiles {
            LatentTilePlan.keepCore(
                tile, of: LatentTilePlan.crop(tensor, rows: tile.rows, columns: tile.columns), into: &rebuilt)
        }
        #expect(rebuilt == tensor)
    }

    /// The distortion decoded tile by tile (tiles of 4 latent elements, halo 4) equals the whole-image decode's on a
    /// seeded 200x150 image with the seeded `bmshj-hp-vr`: the halo covers the synthesis's reach.
    @Test func tiledDistortionEqualsTheWholeImagesDistortion() throws {
        let codec = HyperpriorEffortTests.codec
        let model = HyperpriorEffortTests.model
        let parameters = codec.model.parameters
        let image = RateDistortionCodecTests.image(width: 200, height: 150, seed: 9)
        let input = HyperpriorEffortTests.paddedInput(image)
        let latent = try codec.latent(image)
        let quality = ModelQuality(index: 5)
        let symbols = codec.model.symbols(latent, quality: quality)
        let gained = Tensor(shape: latent.shape, data: symbols.map(Float.init))
        func decode(_ symbols: Tensor) -> Tensor { model.synthesis(symbols, quality: quality, parameters) }
        let whole = LatentSearch.meanSquaredError(decode(gained), image: input, width: 200, height: 150)
        let tiled = model.core.tiledMeanSquaredError(
            gained, image: input, width: 200, height: 150, tileSide: 4, decode: decode)
        #expect(LatentTilePlan(height: 10, width: 13, side: 4, halo: 4).tiles.count == 12)
        #expect(abs(tiled - whole) <= 1e-6 * whole, "tiled \(tiled), whole \(whole)")
    }

    /// A tiled search reports the whole-image step count, moves the latent, and keeps every tile's core.
    @Test func tiledSearchCountsStepsAndMovesEveryTile() throws {
        let codec = HyperpriorEffortTests.codec
        let model = HyperpriorEffortTests.model
        let parameters = codec.model.parameters
        let image = RateDistortionCodecTests.image(width: 200, height: 150, seed: 10)
        let input = HyperpriorEffortTests.paddedInput(image)
        let start = try codec.latent(image)
        var steps: [Int] = []
        let y = model.core.annealedLatent(
            from: start, synthesisGains: [Float](repeating: 1, count: model.m), lambda: 0.01, image: input,
            width: 200, height: 150, iterations: 6, seed: 1, learningRate: 0.05, parameters,
            rateGradient: { sample, _, _, _, _ in Tensor(shape: sample.shape) }, tileSide: 5,
            progress: { steps.append($0) })
        #expect(steps.last == 6 && zip(steps, steps.dropFirst()).allSatisfy { $0 <= $1 })
        let plan = LatentTilePlan(height: 10, width: 13, side: 5, halo: 4)
        #expect(plan.tiles.count == 6)
        for tile in plan.tiles {
            let before = LatentTilePlan.crop(start, rows: tile.coreRows, columns: tile.coreColumns)
            let after = LatentTilePlan.crop(y, rows: tile.coreRows, columns: tile.coreColumns)
            #expect(before != after, "tile \(tile) did not move")
        }
    }
}
