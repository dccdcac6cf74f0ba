import CCaecBLAS

/// Thin row-major wrappers over OpenBLAS's sgemm (the only place CaecTensor calls BLAS directly).
enum BLAS {
    /// OpenBLAS, loaded once with the kernels chosen from CPUID and set to one thread: CaecTensor parallelises
    /// over samples and bands itself (see `TensorParallelism`), which keeps results independent of the thread
    /// count. Swift initialises globals lazily and exactly once; every sgemm goes through `gemm`, which touches
    /// this first.
    private static let loaded: Bool = {
        let info = caec_blas_load()!.pointee
        precondition(info.loaded == 1, "caec: error: \(BLASBackend.string(info.error))")
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
        _ = loaded
        guard k > 0 else {
            // BLAS would still scale C by beta; keep that meaning for an empty inner dimension.
            for row in 0..<m {
                for column in 0..<n { c[row * ldc + column] = beta == 0 ? 0 : beta * c[row * ldc + column] }
            }
            return
        }
        caec_blas_sgemm(
            transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b,
            Int32(ldb), beta, c, Int32(ldc))
    }
}

/// LAPACK routines from the same OpenBLAS (caec_lapack_dsyev in Sources/CCaecBLAS).
package enum LAPACK {
    /// The eigen-decomposition of the symmetric `n` x `n` matrix `matrix` (row-major; symmetric, so the layout does
    /// not matter) by LAPACK's dsyev: eigenvalues in ascending order and the unit eigenvector of each, in the same
    /// order. Nil if OpenBLAS or its dsyev cannot be loaded or dsyev does not converge.
    package static func symmetricEigen(_ matrix: [Double], n: Int) -> (values: [Double], vectors: [[Double]])? {
        precondition(n > 0 && matrix.count == n * n, "symmetricEigen: \(matrix.count) values for \(n) x \(n)")
        var a = matrix
        var values = [Double](repeating: 0, count: n)
        let info = caec_lapack_dsyev(Int32(n), &a, &values)
        guard info == 0 else { return nil }
        return (values, (0..<n).map { Array(a[$0 * n..<($0 + 1) * n]) })
    }
}

/// The BLAS caec runs on and the processor it runs on, as `caec --version` and `caec bench` print them.
///
/// caec loads OpenBLAS itself at first use (Sources/CCaecBLAS/include/caec_blas.h): it reads the instruction sets
/// from CPUID and XGETBV and asks OpenBLAS for the matching kernels, because Debian's OpenBLAS 0.3.21 falls back
/// to its Prescott (SSE3) kernels on processors newer than itself. `OPENBLAS_CORETYPE`, when set, is respected.
package struct BLASBackend: Sendable, Equatable {
    /// CPUID vendor ("GenuineIntel", "AuthenticAMD") and brand string; empty off x86-64.
    package let cpuVendor: String
    package let cpuModel: String
    /// The instruction sets that this processor and OS can run, lowercase as /proc/cpuinfo spells them.
    package let instructionSets: [String]
    /// The core caec asked OpenBLAS for (`OPENBLAS_CORETYPE`), nil if none was set.
    package let requestedCore: String?
    /// Where the core came from: "CPUID", "OpenBLAS's own detection", "OPENBLAS_CORETYPE", "host process".
    package let coreSource: String
    /// `openblas_get_corename()`, e.g. "SkylakeX"; empty when OpenBLAS could not be loaded.
    package let coreName: String
    /// `openblas_get_config()`, and the library file.
    package let config: String
    package let library: String
    /// Why OpenBLAS could not be loaded, nil when it was.
    package let loadError: String?

    /// Loads OpenBLAS if needed and describes it.
    package static var current: BLASBackend {
        let info = caec_blas_load()!.pointee
        var cpu = caec_cpu_info()
        caec_cpu_detect(&cpu)
        let names: [(UInt32, String)] = [
            (UInt32(CAEC_CPU_SSE42), "sse4_2"), (UInt32(CAEC_CPU_AVX), "avx"), (UInt32(CAEC_CPU_FMA), "fma"),
            (UInt32(CAEC_CPU_AVX2), "avx2"), (UInt32(CAEC_CPU_AVX512F), "avx512f"),
            (UInt32(CAEC_CPU_AVX512DQ), "avx512dq"), (UInt32(CAEC_CPU_AVX512CD), "avx512cd"),
            (UInt32(CAEC_CPU_AVX512BW), "avx512bw"), (UInt32(CAEC_CPU_AVX512VL), "avx512vl"),
            (UInt32(CAEC_CPU_AVX512BF16), "avx512_bf16"),
        ]
        let sources = [
            Int32(CAEC_BLAS_CORE_FROM_CPUID): "CPUID",
            Int32(CAEC_BLAS_CORE_FROM_OPENBLAS): "OpenBLAS's own detection",
            Int32(CAEC_BLAS_CORE_FROM_ENVIRONMENT): "OPENBLAS_CORETYPE",
            Int32(CAEC_BLAS_CORE_FROM_HOST): "host process",
        ]
        let requested = string(info.requested_core)
        return BLASBackend(
            cpuVendor: string(cpu.vendor), cpuModel: string(cpu.brand),
            instructionSets: names.filter { cpu.flags & $0.0 != 0 }.map(\.1),
            requestedCore: requested.isEmpty ? nil : requested, coreSource: sources[info.core_source] ?? "unknown",
            coreName: string(info.core_name), config: string(info.config), library: string(info.library),
            loadError: info.loaded == 1 ? nil : string(info.error))
    }

    /// The core OpenBLAS 0.3.21 should run for these instruction sets (`caec_blas_core_for_cpu`), nil where
    /// OpenBLAS's own choice stands.
    package static func preferredCore(vendor: String, instructionSets: [String]) -> String? {
        let bits: [String: Int32] = [
            "sse4_2": CAEC_CPU_SSE42, "avx": CAEC_CPU_AVX, "fma": CAEC_CPU_FMA, "avx2": CAEC_CPU_AVX2,
            "avx512f": CAEC_CPU_AVX512F, "avx512dq": CAEC_CPU_AVX512DQ, "avx512cd": CAEC_CPU_AVX512CD,
            "avx512bw": CAEC_CPU_AVX512BW, "avx512vl": CAEC_CPU_AVX512VL, "avx512_bf16": CAEC_CPU_AVX512BF16,
        ].mapValues { Int32($0) }
        let flags = instructionSets.reduce(UInt32(0)) { $0 | UInt32(bits[$1] ?? 0) }
        guard let core = caec_blas_core_for_cpu(vendor, flags) else { return nil }
        return String(cString: core)
    }

    /// One line: "OpenBLAS 0.3.21 ... core SkylakeX (from CPUID); cpu: <model> [avx2 fma ...]".
    package var summary: String {
        let cpu = "cpu: \(cpuModel.isEmpty ? "unknown" : cpuModel) [\(instructionSets.joined(separator: " "))]"
        if let loadError { return "blas: not loaded (\(loadError)); \(cpu)" }
        let version = config.split(separator: " ").prefix(2).joined(separator: " ")
        return "blas: \(version) core \(coreName) (from \(coreSource)), \(library); \(cpu)"
    }

    /// A fixed-size C char array (imported as a tuple) as a String.
    static func string<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
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
