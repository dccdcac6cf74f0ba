import CCaecBLAS

/// Thin row-major wrappers over OpenBLAS's CBLAS (the only place CaecTensor calls BLAS directly).
enum BLAS {
    /// OpenBLAS runs single-threaded: CaecTensor parallelises over samples and bands itself (see
    /// `TensorParallelism`), which keeps results independent of the thread count. Swift initialises globals
    /// lazily and exactly once; every sgemm goes through `gemm`, which touches this first.
    private static let singleThreaded: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// `C = alpha * op(A) * op(B) + beta * C` with row-major matrices: `op(A)` is (M, K), `op(B)` is (K, N),
    /// `C` is (M, N); `lda`, `ldb`, `ldc` are the row strides of the stored (untransposed) matrices.
    @inline(__always)
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0 && n > 0 else { return }
        _ = singleThreaded
        guard k > 0 else {
            // BLAS would still scale C by beta; keep that meaning for an empty inner dimension.
            for row in 0..<m {
                for column in 0..<n { c[row * ldc + column] = beta == 0 ? 0 : beta * c[row * ldc + column] }
            }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}

/// Runs one large sgemm (1024 x 1024 x 1024) so that OpenBLAS settles on its fast configuration.
///
/// OpenBLAS runs small sgemms about 3.5x slower for the whole process when its first call is small; long runs
/// (training, benchmarks, batch encoding) call this once at start-up.
package func warmUpBLAS() {
    let size = 1024
    let a = [Float](repeating: 0.5, count: size * size)
    var c = [Float](repeating: 0, count: size * size)
    a.withUnsafeBufferPointer { a in
        c.withUnsafeMutableBufferPointer { c in
            BLAS.gemm(
                transposeA: false, transposeB: false, m: size, n: size, k: size, a: a.baseAddress!, lda: size,
                b: a.baseAddress!, ldb: size, beta: 0, c: c.baseAddress!, ldc: size)
        }
    }
}
