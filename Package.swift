// swift-tools-version:6.1
//
// caec: a learned image codec (convolutional autoencoders as a real codec).
// Module graph and conventions: see README.md ("Layout").

import PackageDescription

// MARK: - Products

let products: [Product] = [
    // The embeddable codec: pixels in memory <-> .cae bytes. No Foundation, no libpng/libjpeg.
    .library(name: "Caec", targets: ["Caec"]),
    .executable(name: "caec", targets: ["CaecCLI"]),
    .library(name: "CaecImageIO", targets: ["CaecImageIO"]),
    // PSNR, SSIM and MS-SSIM of 8-bit RGB images: for apps that measure what the codec did. Needs only CaecCore.
    .library(name: "CaecMetrics", targets: ["CaecMetrics"]),
]

// MARK: - Dependencies

let dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // `swift package generate-documentation --target Caec`: the DocC catalogue Sources/Caec/Caec.docc.
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
]

// MARK: - System libraries and C shims

let systemTargets: [Target] = [
    .systemLibrary(name: "CCaecZlib", path: "Sources/CCaecZlib"),
    // OpenBLAS, loaded at first use with dlopen so that caec chooses its kernels by CPUID (caec_blas.h).
    .target(name: "CCaecBLAS", path: "Sources/CCaecBLAS", linkerSettings: [.linkedLibrary("dl")]),
    // The encoder's bit-exact kernels, hand-vectorised once per instruction set (caec_kernels.h).
    .target(name: "CCaecKernels", path: "Sources/CCaecKernels"),
    .target(
        name: "CCaecImageIO",
        path: "Sources/CCaecImageIO",
        linkerSettings: [.linkedLibrary("png"), .linkedLibrary("jpeg"), .linkedLibrary("z"), .linkedLibrary("lcms2")]
    ),
    // libwebp, the second baseline of `caec compare`: linked by the evaluation side only.
    .target(
        name: "CCaecWebP",
        path: "Sources/CCaecWebP",
        linkerSettings: [.linkedLibrary("webp")]
    ),
    // libavif (with libaom) and libjxl, the AVIF and JPEG XL baselines of `caec compare`: evaluation side only.
    .target(name: "CCaecAVIF", path: "Sources/CCaecAVIF", linkerSettings: [.linkedLibrary("avif")]),
    .target(name: "CCaecJXL", path: "Sources/CCaecJXL", linkerSettings: [.linkedLibrary("jxl")]),
    // The libpng and libjpeg versions for `caec --version` and reports.
    .target(
        name: "CCaecVersions",
        path: "Sources/CCaecVersions",
        linkerSettings: [.linkedLibrary("png"), .linkedLibrary("jpeg")]
    ),
]

// MARK: - Library modules

let libraryTargets: [Target] = [
    .target(name: "CaecCore", dependencies: ["CCaecZlib"]),
    .target(name: "CaecFormat", dependencies: ["CaecCore"]),
    .target(name: "CaecTensor", dependencies: ["CCaecBLAS", "CCaecKernels"]),
    .target(name: "CaecModel", dependencies: ["CaecTensor", "CaecCore"]),
    .target(name: "CaecTrain", dependencies: ["CaecModel", "CaecTensor", "CaecEntropy", "CaecCore"]),
    .target(name: "CaecEntropy"),
    .target(name: "CaecImageIO", dependencies: ["CaecCore", "CCaecImageIO"]),
    .target(name: "CaecMetrics", dependencies: ["CaecCore"]),
    .target(
        name: "CaecFuzzing", dependencies: ["Caec", "CaecCore", "CaecEntropy", "CaecFormat", "CaecModel", "CaecTrain"]),
    .target(name: "Caec", dependencies: ["CaecCore", "CaecEntropy", "CaecFormat", "CaecModel", "CaecTensor"]),
    .target(
        name: "CaecEval",
        dependencies: [
            "Caec", "CaecMetrics", "CaecModel", "CaecTrain", "CaecImageIO", "CaecCore", "CaecTensor", "CCaecWebP",
            "CCaecAVIF", "CCaecJXL", "CCaecVersions",
        ]
    ),
]

// MARK: - Executable

let executableTargets: [Target] = [
    .executableTarget(
        name: "CaecCLI",
        dependencies: [
            "Caec", "CaecCore", "CaecEval", "CaecImageIO", "CaecMetrics", "CaecModel", "CaecTensor", "CaecTrain",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]
    ),
    // libFuzzer targets (Fuzz/README.md); a normal build makes them replay files given as arguments.
    .executableTarget(name: "CaecFuzzContainer", dependencies: ["CaecFuzzing"]),
    .executableTarget(name: "CaecFuzzPayload", dependencies: ["CaecFuzzing"]),
    .executableTarget(name: "CaecFuzzWeights", dependencies: ["CaecFuzzing"]),
]

// MARK: - Tests

let testTargets: [Target] = [
    .target(name: "CaecTestSupport", dependencies: ["CaecCore"], path: "Sources/CaecTestSupport"),
    .testTarget(name: "CaecCoreTests", dependencies: ["CaecCore", "CaecTestSupport"]),
    .testTarget(name: "CaecFormatTests", dependencies: ["CaecFormat", "CaecTestSupport"]),
    .testTarget(name: "CaecCLITests", dependencies: ["CaecCLI", "CaecImageIO", "CaecModel", "CaecTestSupport"]),
    .testTarget(name: "CaecTensorTests", dependencies: ["CaecTensor", "CaecTestSupport"]),
    .testTarget(name: "CaecModelTests", dependencies: ["CaecModel", "CaecTrain", "CaecTestSupport"]),
    .testTarget(name: "CaecTrainTests", dependencies: ["CaecTrain", "CaecEntropy", "CaecTestSupport"]),
    .testTarget(name: "CaecEntropyTests", dependencies: ["CaecEntropy", "CaecTestSupport"]),
    .testTarget(name: "CaecImageIOTests", dependencies: ["CaecImageIO", "CaecTestSupport"]),
    .testTarget(name: "CaecMetricsTests", dependencies: ["CaecMetrics", "CaecCore"]),
    .testTarget(
        name: "CaecTests",
        dependencies: [
            "Caec", "CaecImageIO", "CaecFuzzing", "CaecModel", "CaecTensor", "CaecEntropy", "CaecTrain",
            "CaecTestSupport",
        ]
    ),
    .testTarget(
        name: "CaecEvalTests",
        dependencies: [
            "CaecEval", "Caec", "CaecMetrics", "CaecModel", "CaecEntropy", "CaecImageIO", "CaecCore", "CaecTestSupport",
        ]
    ),
]

let package = Package(
    name: "caec",
    products: products,
    dependencies: dependencies,
    targets: systemTargets + libraryTargets + executableTargets + testTargets
)
