import CCaecBLAS
import CCaecKernels

/// The instruction-set level of the bit-exact kernels (Sources/CCaecKernels): the widest the processor and OS
/// can run, read once from CPUID and XGETBV. Every level gives the same bits; only the speed differs.
package enum ExactKernels {
    /// A build of the kernels: x86-64 baseline SSE2 (4 lanes), AVX2 (8 lanes) or AVX-512 F (16 lanes).
    package enum Level: Int32, CaseIterable, Sendable, CustomStringConvertible {
        case sse2 = 0
        case avx2 = 1
        case avx512 = 2

        package var description: String { ["sse2", "avx2", "avx512"][Int(rawValue)] }
    }

    /// The levels this build has and this processor can run, narrowest first.
    package static let supported: [Level] = {
        var cpu = caec_cpu_info()
        caec_cpu_detect(&cpu)
        return Level.allCases.filter { level in
            guard caec_kernels_available(level.rawValue) != 0 else { return false }
            switch level {
            case .sse2: return true
            case .avx2: return cpu.flags & UInt32(CAEC_CPU_AVX2) != 0
            case .avx512: return cpu.flags & UInt32(CAEC_CPU_AVX512F) != 0
            }
        }
    }()

    /// Set by tests and benchmarks to run one level; must be in `supported`.
    @TaskLocal package static var forcedLevel: Level?

    /// The level in use: `forcedLevel`, else the widest supported.
    package static var level: Level {
        if let forcedLevel {
            precondition(supported.contains(forcedLevel), "kernel level \(forcedLevel) is not supported here")
            return forcedLevel
        }
        return supported.last!
    }
}
