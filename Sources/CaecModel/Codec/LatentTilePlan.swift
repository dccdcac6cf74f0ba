import CaecTensor

/// How the encoder's latent search (`--effort`) cuts a large latent into tiles, so that its memory grows with the
/// tile, not the image: each tile's search holds the decoder's activations and gradients of its own pixels only.
///
/// The cores of the tiles partition the latent (h x w) into a grid of rectangles of at most `side` x `side`
/// elements, of near-equal sizes. Each tile searches its core plus `halo` latent elements on every side (clipped at
/// the latent's edges), with the distortion measured on the pixels of that padded rectangle, and keeps only its
/// core's result: with a halo at least the synthesis's reach (`synthesisHalo`), the decoded pixels of a core
/// depend on the core and its halo only, as in the decoder's strips. A latent of at most `side` x `side` is one
/// tile whose core and padded rectangle are the whole latent, the search of a whole image.
package struct LatentTilePlan: Sendable, Equatable {
    /// One tile: latent rows and columns of its core (kept) and of its padded rectangle (searched).
    package struct Tile: Sendable, Equatable {
        package var coreRows: Range<Int>
        package var coreColumns: Range<Int>
        package var rows: Range<Int>
        package var columns: Range<Int>

        package init(coreRows: Range<Int>, coreColumns: Range<Int>, rows: Range<Int>, columns: Range<Int>) {
            self.coreRows = coreRows
            self.coreColumns = coreColumns
            self.rows = rows
            self.columns = columns
        }

        /// Latent elements of the padded rectangle per channel.
        package var area: Int { rows.count * columns.count }
    }

    package let height: Int
    package let width: Int
    /// In row-major order of the grid.
    package let tiles: [Tile]

    /// The latent side of a tile's core by default: 96 latent elements (1536 pixels at rate 16), whose search
    /// measured about 1.1 GB at its peak with `bmshj-hp-vr` (the whole process, on a 16-megapixel image).
    package static let defaultSide = 96

    /// - Parameters:
    ///   - height, width: the latent's size (h, w), each at least 1.
    ///   - side: the largest core side, at least 1.
    ///   - halo: latent elements searched around each core, at least 0.
    package init(height: Int, width: Int, side: Int = defaultSide, halo: Int) {
        precondition(height > 0 && width > 0 && side > 0 && halo >= 0, "LatentTilePlan: \(height)x\(width), \(side)")
        self.height = height
        self.width = width
        let rowCuts = Self.cuts(height, side: side)
        let columnCuts = Self.cuts(width, side: side)
        var tiles: [Tile] = []
        for coreRows in rowCuts {
            for coreColumns in columnCuts {
                tiles.append(
                    Tile(
                        coreRows: coreRows, coreColumns: coreColumns,
                        rows: max(0, coreRows.lowerBound - halo)..<min(height, coreRows.upperBound + halo),
                        columns: max(0, coreColumns.lowerBound - halo)..<min(width, coreColumns.upperBound + halo)))
            }
        }
        self.tiles = tiles
    }

    /// `ceil(size / side)` consecutive ranges covering `0..<size`, their lengths differing by at most one.
    static func cuts(_ size: Int, side: Int) -> [Range<Int>] {
        let count = (size + side - 1) / side
        return (0..<count).map { i in i * size / count..<(i + 1) * size / count }
    }

    /// Elements `rows` x `columns` of every channel of `tensor` (1, C, h, w): (1, C, rows.count, columns.count).
    package static func crop(_ tensor: Tensor, rows: Range<Int>, columns: Range<Int>) -> Tensor {
        let (_, C, H, W) = tensor.nchw
        precondition(rows.upperBound <= H && columns.upperBound <= W, "LatentTilePlan.crop: outside \(tensor.shape)")
        var out = Tensor(shape: [1, C, rows.count, columns.count])
        var index = 0
        for c in 0..<C {
            for row in rows {
                let start = (c * H + row) * W
                for column in columns {
                    out.data[index] = tensor.data[start + column]
                    index += 1
                }
            }
        }
        return out
    }

    /// Writes the core of `tile` from `source` (1, C, tile.rows.count, tile.columns.count), the tile's padded
    /// rectangle, into `destination` (1, C, height, width).
    package static func keepCore(_ tile: Tile, of source: Tensor, into destination: inout Tensor) {
        let (_, C, H, W) = destination.nchw
        let (SH, SW) = (tile.rows.count, tile.columns.count)
        precondition(source.shape == [1, C, SH, SW], "LatentTilePlan.keepCore: \(source.shape) is not the tile")
        for c in 0..<C {
            for row in tile.coreRows {
                for column in tile.coreColumns {
                    destination.data[(c * H + row) * W + column] =
                        source.data[(c * SH + row - tile.rows.lowerBound) * SW + column - tile.columns.lowerBound]
                }
            }
        }
    }
}
