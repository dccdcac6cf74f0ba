/// A dense Float32 tensor stored row-major; 4-D tensors are NCHW (batch, channels, height, width).
///
/// A plain value type: copies are copy-on-write through `Array`. Kernels live in `Tensor+<Op>.swift` as static
/// functions with a forward, a backward and two implementations each (see `KernelPath`).
package struct Tensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    package var shape: [Int]
    /// The elements, row-major; `data.count == shape.reduce(1, *)`.
    package var data: [Float]

    /// A tensor of `shape` with every element equal to `value`.
    package init(shape: [Int], repeating value: Float = 0) {
        let count = Tensor.elementCount(shape)
        self.shape = shape
        self.data = [Float](repeating: value, count: count)
    }

    /// A tensor of `shape` holding `data` (row-major). Traps unless the counts agree.
    package init(shape: [Int], data: [Float]) {
        let count = Tensor.elementCount(shape)
        precondition(data.count == count, "Tensor: \(data.count) elements for shape \(shape) (needs \(count))")
        self.shape = shape
        self.data = data
    }

    /// A zero tensor with the shape of `other`.
    package init(zerosLike other: Tensor) { self.init(shape: other.shape) }

    /// Number of elements.
    package var count: Int { data.count }

    /// Number of dimensions.
    package var rank: Int { shape.count }

    /// The four extents of an NCHW tensor. Traps unless the tensor is 4-D.
    package var nchw: (n: Int, c: Int, h: Int, w: Int) {
        precondition(shape.count == 4, "Tensor: expected an NCHW tensor, got shape \(shape)")
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// The same elements under another shape with the same element count.
    package func reshaped(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, data: data) }

    /// Element `[n, c, h, w]` of a 4-D tensor (convenient in tests and reference code; not for hot loops).
    package subscript(n: Int, c: Int, h: Int, w: Int) -> Float {
        get { data[Tensor.offset(shape, n, c, h, w)] }
        set { data[Tensor.offset(shape, n, c, h, w)] = newValue }
    }

    private static func offset(_ shape: [Int], _ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Int {
        precondition(shape.count == 4, "Tensor: 4-D subscript on shape \(shape)")
        return ((n * shape[1] + c) * shape[2] + h) * shape[3] + w
    }

    private static func elementCount(_ shape: [Int]) -> Int {
        var count = 1
        for extent in shape {
            precondition(extent >= 0, "Tensor: negative extent in shape \(shape)")
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            precondition(!overflow, "Tensor: shape \(shape) overflows Int")
            count = product
        }
        return count
    }
}

/// Which implementation of a kernel runs.
///
/// `reference` is plain loops written from the formula: the specification, the fallback and the test oracle.
/// `fast` uses im2col + `cblas_sgemm`, unsafe-buffer loops and batch parallelism; it agrees with `reference` within
/// the tolerances stated in the tests, and its results do not depend on the number of worker threads.
///
/// `portable` gives results that are bit-identical on every machine and for any thread count: each output element is
/// accumulated in the reference kernel's order, one IEEE single-precision multiply and add at a time (Swift does not
/// contract them into fused multiply-adds). Convolution has a dedicated portable kernel (im2col + a fixed-order
/// matrix product, about 20x faster than the reference loops), and so have the transposed convolution (the same
/// matrix product on each polyphase component) and GDN (its sums over tiles of pixels, about
/// 15x faster); every other kernel runs its reference loops. The codec's encoder runs on this path, so that the
/// quantised latent, and hence the `.cae` bytes, never depend on the CPU.
package enum KernelPath: Sendable, Equatable, CaseIterable {
    case reference
    case fast
    case portable
}
