import CaecTensor
import Foundation
import Testing

/// caec's choice of OpenBLAS kernels (Sources/CCaecBLAS/include/caec_blas.h): from the instruction sets, never
/// beyond them, and in force on this machine.
@Suite struct BLASBackendTests {
    static let avx2 = ["sse4_2", "avx", "fma", "avx2"]
    static let avx512 = avx2 + ["avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"]

    @Test func coreFollowsTheInstructionSets() {
        #expect(BLASBackend.preferredCore(vendor: "GenuineIntel", instructionSets: Self.avx512) == "SkylakeX")
        #expect(
            BLASBackend.preferredCore(vendor: "GenuineIntel", instructionSets: Self.avx512 + ["avx512_bf16"])
                == "Cooperlake")
        // Zen 4's AVX-512 is half width: the AVX2 kernels are faster there.
        #expect(BLASBackend.preferredCore(vendor: "AuthenticAMD", instructionSets: Self.avx512) == "Zen")
        #expect(BLASBackend.preferredCore(vendor: "GenuineIntel", instructionSets: Self.avx2) == "Haswell")
        #expect(BLASBackend.preferredCore(vendor: "AuthenticAMD", instructionSets: Self.avx2) == "Zen")
        #expect(BLASBackend.preferredCore(vendor: "HygonGenuine", instructionSets: Self.avx2) == "Zen")
        #expect(BLASBackend.preferredCore(vendor: "GenuineIntel", instructionSets: ["sse4_2", "avx"]) == "Sandybridge")
        #expect(BLASBackend.preferredCore(vendor: "GenuineIntel", instructionSets: ["sse4_2"]) == nil)
        #expect(BLASBackend.preferredCore(vendor: "", instructionSets: []) == nil)
    }

    /// A partial AVX-512 (no VL or BW, as on Knights Landing) or AVX2 without FMA never gets kernels that need
    /// the missing part.
    @Test func coreNeverExceedsTheInstructionSets() {
        let noVL = Self.avx512.filter { $0 != "avx512vl" }
        #expect(BLASBackend.preferredCore(vendor: "GenuineIntel", instructionSets: noVL) == "Haswell")
        let noBW = Self.avx512.filter { $0 != "avx512bw" } + ["avx512_bf16"]
        #expect(BLASBackend.preferredCore(vendor: "GenuineIntel", instructionSets: noBW) == "Haswell")
        let noFMA = Self.avx2.filter { $0 != "fma" }
        #expect(BLASBackend.preferredCore(vendor: "GenuineIntel", instructionSets: noFMA) == "Sandybridge")
    }

    @Test func openBLASIsLoadedAndDescribed() throws {
        let backend = BLASBackend.current
        #expect(backend.loadError == nil)
        #expect(backend.config.hasPrefix("OpenBLAS"))
        #expect(!backend.coreName.isEmpty)
        #expect(backend.summary.contains("core \(backend.coreName)"))
    }

    /// On a processor with AVX2 and FMA the kernels in use are caec's CPUID choice, not OpenBLAS's generic
    /// fallback (Prescott, Core2, Nehalem), unless the environment chose a core.
    @Test func coreIsNotTheGenericFallbackOnAVX2() throws {
        let backend = BLASBackend.current
        guard backend.instructionSets.contains("avx2") && backend.instructionSets.contains("fma") else {
            print("skipped: this processor lacks AVX2+FMA (\(backend.instructionSets))")
            return
        }
        guard backend.coreSource == "CPUID" else {
            print("skipped: the core came from \(backend.coreSource) (OPENBLAS_CORETYPE is set)")
            return
        }
        let expected = try #require(
            BLASBackend.preferredCore(vendor: backend.cpuVendor, instructionSets: backend.instructionSets))
        #expect(backend.coreName.lowercased() == expected.lowercased())
        #expect(!["prescott", "core2", "nehalem", "katmai", "generic"].contains(backend.coreName.lowercased()))
    }
}
