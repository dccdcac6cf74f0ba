import CaecTensor

/// The shape of a model imported from CompressAI (`caec import compressai`, Spec/safetensors.md §5): which of
/// CompressAI's architectures, its widths, its density's filters and how many checkpoints (qualities) it holds.
///
/// A weights file of an imported model carries these in its metadata (`N`, `M`, `density_filters`, `qualities`);
/// the model id is the architecture's name. Each quality is a whole CompressAI network of its own (CompressAI trains
/// one checkpoint per lambda), so every key of quality q is CompressAI's state-dict name prefixed with `q<q>.`.
package struct CompressAIArchitecture: Sendable, Equatable {
    /// CompressAI's model classes caec imports, by the names its model zoo gives them.
    package enum Family: String, Sendable, CaseIterable {
        /// `FactorizedPrior` (Ballé et al. 2018, factorized prior).
        case factorized = "bmshj2018-factorized"
        /// `ScaleHyperprior` (Ballé et al. 2018, scale hyperprior).
        case hyperprior = "bmshj2018-hyperprior"
    }

    package let family: Family
    /// Channels of the transforms' hidden layers (and of the hyper-latent z).
    package let n: Int
    /// Channels of the latent y.
    package let m: Int
    /// The factorized density's hidden widths; CompressAI's default is (3, 3, 3, 3).
    package let filters: [Int]
    /// Networks in the model, one per quality (1 ... 63).
    package let qualities: Int

    /// The widest N or M accepted (CompressAI's largest pretrained models use 320).
    package static let maxWidth = 1024
    /// At most this many density layers, each at most `maxFilter` wide.
    package static let maxFilters = 8
    package static let maxFilter = 64
    /// Qualities fit the .cae header's 6-bit index.
    package static let maxQualities = 63

    package init(family: Family, n: Int, m: Int, filters: [Int] = [3, 3, 3, 3], qualities: Int = 1) {
        precondition(Self.validWidths(n: n, m: m, filters: filters, qualities: qualities), "CompressAIArchitecture")
        self.family = family
        self.n = n
        self.m = m
        self.filters = filters
        self.qualities = qualities
    }

    package static func validWidths(n: Int, m: Int, filters: [Int], qualities: Int) -> Bool {
        (1...maxWidth).contains(n) && (1...maxWidth).contains(m) && (1...maxFilters).contains(filters.count)
            && filters.allSatisfy { (1...maxFilter).contains($0) } && (1...maxQualities).contains(qualities)
    }

    /// The architecture of model `id` described by a weights file's `metadata`, nil if `id` is not an imported
    /// family.
    ///
    /// - Throws: `WeightsError.invalidField` when a key is missing or not a number in range.
    package static func reading(id: String, metadata: (String) -> String?) throws(WeightsError)
        -> CompressAIArchitecture?
    {
        guard let family = Family(rawValue: id) else { return nil }
        func number(_ key: String) throws(WeightsError) -> Int {
            guard let text = metadata(key), let value = Int(text) else {
                throw .invalidField("metadata '\(key)' of \(id) is missing or not an integer")
            }
            return value
        }
        let (n, m, qualities) = (try number("N"), try number("M"), try number("qualities"))
        guard let text = metadata("density_filters"), let filters = parseFilters(text) else {
            throw .invalidField("metadata 'density_filters' of \(id) is missing or not a list such as 3,3,3,3")
        }
        guard validWidths(n: n, m: m, filters: filters, qualities: qualities) else {
            throw .invalidField(
                "metadata of \(id) out of range: N \(n), M \(m), density_filters \(text), qualities \(qualities)")
        }
        return CompressAIArchitecture(family: family, n: n, m: m, filters: filters, qualities: qualities)
    }

    /// `3,3,3,3` as [3, 3, 3, 3]; nil for anything else (spaces, empty items, signs).
    package static func parseFilters(_ text: String) -> [Int]? {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        var filters: [Int] = []
        for item in items {
            guard !item.isEmpty, item.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(item) else {
                return nil
            }
            filters.append(value)
        }
        return filters
    }

    /// The metadata that `reading(id:metadata:)` reads back.
    package var metadata: [(key: String, value: String)] {
        [
            ("N", "\(n)"), ("M", "\(m)"), ("density_filters", filters.map(String.init).joined(separator: ",")),
            ("qualities", "\(qualities)"),
        ]
    }

    /// The prefix of quality `quality`'s (1-based) keys.
    package static func prefix(quality: Int) -> String { "q\(quality)." }

    /// The codec network of this architecture, g_a (and h_a, h_s) on `path`.
    package func network(path: KernelPath = .portable) -> any CodecNetwork {
        switch family {
        case .factorized: CompressAIFactorizedModel(self, path: path)
        case .hyperprior: CompressAIHyperpriorModel(self, path: path)
        }
    }

    // MARK: Transforms, as CompressAI's `FactorizedPrior` and `ScaleHyperprior` build them

    /// g_a: conv5x5/2 (3->N) GDN conv5x5/2 GDN conv5x5/2 GDN conv5x5/2 (N->M), keys `<prefix>g_a.0` ... `.6`.
    func analysis(prefix: String, path: KernelPath) -> Sequential {
        func conv(_ i: Int, _ from: Int, _ to: Int) -> any Layer {
            Conv2D(
                "\(prefix)g_a.\(i)", inChannels: from, outChannels: to, kernelSize: 5, stride: 2, padding: 2,
                path: path)
        }
        return Sequential([
            conv(0, 3, n), GDNLayer("\(prefix)g_a.1", channels: n, path: path), conv(2, n, n),
            GDNLayer("\(prefix)g_a.3", channels: n, path: path), conv(4, n, n),
            GDNLayer("\(prefix)g_a.5", channels: n, path: path), conv(6, n, m),
        ])
    }

    /// g_s: deconv5x5/2 (M->N) IGDN deconv5x5/2 IGDN deconv5x5/2 IGDN deconv5x5/2 (N->3), on the fast kernels.
    func synthesis(prefix: String) -> Sequential {
        func deconv(_ i: Int, _ from: Int, _ to: Int) -> any Layer {
            ConvTranspose2D(
                "\(prefix)g_s.\(i)", inChannels: from, outChannels: to, kernelSize: 5, stride: 2, padding: 2,
                outputPadding: 1)
        }
        return Sequential([
            deconv(0, m, n), GDNLayer("\(prefix)g_s.1", channels: n, inverse: true), deconv(2, n, n),
            GDNLayer("\(prefix)g_s.3", channels: n, inverse: true), deconv(4, n, n),
            GDNLayer("\(prefix)g_s.5", channels: n, inverse: true), deconv(6, n, 3),
        ])
    }

    /// h_a: conv3x3/1 (M->N) ReLU conv5x5/2 ReLU conv5x5/2 (applied to |y|).
    func hyperAnalysis(prefix: String, path: KernelPath) -> Sequential {
        func conv(_ i: Int, _ from: Int, _ kernel: Int, _ stride: Int) -> any Layer {
            Conv2D(
                "\(prefix)h_a.\(i)", inChannels: from, outChannels: n, kernelSize: kernel, stride: stride,
                padding: kernel / 2, path: path)
        }
        return Sequential([conv(0, m, 3, 1), ReLU(), conv(2, n, 5, 2), ReLU(), conv(4, n, 5, 2)])
    }

    /// h_s: deconv5x5/2 ReLU deconv5x5/2 ReLU conv3x3/1 (N->M) ReLU.
    func hyperSynthesis(prefix: String, path: KernelPath) -> Sequential {
        func deconv(_ i: Int) -> any Layer {
            ConvTranspose2D(
                "\(prefix)h_s.\(i)", inChannels: n, outChannels: n, kernelSize: 5, stride: 2, padding: 2,
                outputPadding: 1, path: path)
        }
        return Sequential([
            deconv(0), ReLU(), deconv(2), ReLU(),
            Conv2D("\(prefix)h_s.4", inChannels: n, outChannels: m, kernelSize: 3, stride: 1, padding: 1, path: path),
            ReLU(),
        ])
    }

    /// The density of quality `prefix` (one set), over `channels` channels.
    func bottleneck(prefix: String, channels: Int) -> EntropyBottleneck {
        EntropyBottleneck("\(prefix)entropy_bottleneck", channels: channels, qualities: 1, filters: filters)
    }

    /// CompressAI's `entropy_bottleneck.quantiles`, (1, C, 3): lower tail bound, median, upper tail bound. A buffer.
    static func quantilesSpec(prefix: String, channels: Int) -> ParameterSpec {
        ParameterSpec(
            "\(prefix)entropy_bottleneck.quantiles", kind: .buffer, shape: [1, channels, 3], initializer: .zeros)
    }

    /// The medians of `quantiles` (1, C, 3).
    package static func medians(_ parameters: Parameters, prefix: String) -> [Float] {
        let quantiles = parameters.tensor("\(prefix)entropy_bottleneck.quantiles")
        return stride(from: 1, to: quantiles.count, by: 3).map { quantiles.data[$0] }
    }

    /// `symbols` (N, C, h, w) plus `offsets[c]`: CompressAI's dequantisation around medians.
    package static func adding(_ offsets: [Float], to symbols: Tensor) -> Tensor {
        let (N, C, H, W) = symbols.nchw
        precondition(offsets.count == C, "CompressAIArchitecture.adding: \(offsets.count) offsets for \(C) channels")
        var result = symbols
        for i in 0..<N {
            for c in 0..<C {
                let base = (i * C + c) * H * W
                for p in 0..<H * W { result.data[base + p] += offsets[c] }
            }
        }
        return result
    }
}
