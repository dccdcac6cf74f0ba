/// Every constant of the `.cae` container (Spec/cae-format.md), in one place.
package enum CAEConstants {
    /// Spec/cae-format.md §3: the first byte of every file.
    package static let signature: UInt8 = 0xCA
    /// Spec/cae-format.md §3: the version this code writes, and the newest major it reads.
    package static let versionMajor: UInt8 = 1
    package static let versionMinor: UInt8 = 0
    /// Spec/cae-format.md §3.2, §11: the minor version of files with metadata blocks or a gray colour code; files
    /// with neither are written as 1.0, byte for byte as before.
    package static let versionMinorMetadata: UInt8 = 1
    /// Spec/cae-format.md §3.2, §3.5: the minor version of files whose quality is not an integer; from this version
    /// on the header has the `quality_fraction` field. Files with integer qualities stay 1.0 or 1.1.
    package static let versionMinorFractionalQuality: UInt8 = 2
    /// Spec/cae-format.md §3.5: `quality_fraction` counts 256ths of a quality step.
    package static let qualityFractionSteps = 256
    /// Spec/cae-format.md §4: colour code 0 is 8-bit sRGB, 3 channels; 1 (version 1.1) is 8-bit gray; 2-3 are
    /// reserved.
    package static let colourSRGB8: UInt8 = 0
    package static let colourGray8: UInt8 = 1
    /// Spec/cae-format.md §11: metadata block types (bits 0-6 of the type byte); bit 7 marks a critical block.
    package static let blockICCProfile: UInt8 = 1
    package static let blockEXIF: UInt8 = 2
    package static let blockXMP: UInt8 = 3
    package static let blockCriticalBit: UInt8 = 0x80
    /// Spec/cae-format.md §11: the largest block a reader accepts (64 MiB).
    package static let maxBlockLength = 1 << 26
    /// Spec/cae-format.md §3: quality indices fit in 6 bits.
    package static let maxQuality: UInt8 = 63
    /// Spec/cae-format.md §6: hard limits on what a reader accepts, whatever the caller's limits.
    package static let maxSide = 65536
    package static let maxPayloadLength = 1 << 30
    /// Spec/cae-format.md §5: the registered model codes. A code is never reused for another model.
    package static let modelCodes: [(code: UInt8, id: String)] = [
        (1, "cae-r2"), (2, "cae-r4"), (3, "cae-r8"), (4, "cae-r16"), (16, "bmshj-f-vr"), (17, "bmshj-hp-vr"),
        (18, "bmshj2018-factorized"), (19, "bmshj2018-hyperprior"), (20, "cifar-task-vr"), (21, "bmshj-hp-vr-n128"),
        (22, "cifar-task-vr8"),
    ]

    package static func modelID(code: UInt8) -> String? { modelCodes.first { $0.code == code }?.id }
    package static func modelCode(id: String) -> UInt8? { modelCodes.first { $0.id == id }?.code }
}
