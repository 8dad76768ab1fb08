// swift-tools-version:6.0
// DTR Workbench: Denoising Task Routing diffusion training on the CPU, with a live terminal workbench.
//
// Floors (each imports only floors below it):
//   engine (DTREngine, DTRFormats, DTRData) → models (DTRModels) → diffusion (DTRDiffusion)
//   → metrics (DTRMetrics) → evaluation (DTREvaluation) → training (DTRTraining) → workbench (DTRWorkbench)
//   → CLI (dtr)
import PackageDescription

/// Release builds are compiled for this CPU, without bounds checks in the hot loops.
let fast: [SwiftSetting] = [
  .unsafeFlags(["-O", "-target-cpu", "native"], .when(configuration: .release)),
  .unsafeFlags(["-target-cpu", "native"], .when(configuration: .debug)),
  .swiftLanguageMode(.v5),
]

let package = Package(
  name: "DTRWorkbench",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "dtr", targets: ["dtr"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // System libraries. OpenBLAS is loaded with dlopen at run time (see BLASRuntime.swift), so its
    // module only provides declarations and links nothing: linking would run OpenBLAS's constructor
    // (which fixes the CPU kernel) before the program can choose one.
    .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
    // oneDNN (linked): the convolution kernels.
    .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
    .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),

    // engine floor
    .target(name: "DTREngine", dependencies: ["COpenBLAS", "CDNNL"], swiftSettings: fast,
            linkerSettings: [.linkedLibrary("dl")]),
    .target(name: "DTRTestSupport", dependencies: ["DTREngine"], swiftSettings: fast),
    .target(name: "DTRFormats", dependencies: ["DTREngine", "CZlib"], swiftSettings: fast),
    .target(name: "DTRData", dependencies: ["DTREngine", "CZlib"], swiftSettings: fast),
    // models floor
    .target(name: "DTRModels", dependencies: ["DTREngine", "DTRData"], swiftSettings: fast),
    // diffusion floor
    .target(name: "DTRDiffusion", dependencies: ["DTREngine"], swiftSettings: fast),
    // metrics floor: statistics of feature sets, no networks
    .target(name: "DTRMetrics", dependencies: ["DTREngine", "DTRFormats"], swiftSettings: fast),
    // evaluation floor: the evaluator network, the FID probe and the one sampling path
    .target(name: "DTREvaluation",
            dependencies: ["DTREngine", "DTRFormats", "DTRData", "DTRModels", "DTRDiffusion", "DTRMetrics"],
            swiftSettings: fast),
    // training floor
    .target(name: "DTRTraining",
            dependencies: ["DTREngine", "DTRFormats", "DTRData", "DTRModels", "DTRDiffusion", "DTREvaluation"],
            swiftSettings: fast),
    // workbench floor
    .target(name: "DTRWorkbench", dependencies: ["DTREngine", "DTRFormats", "DTRModels", "DTRTraining", "CNcursesw"],
            swiftSettings: fast),
    // CLI
    .executableTarget(
      name: "dtr",
      dependencies: [
        "DTREngine", "DTRFormats", "DTRData", "DTRModels", "DTRDiffusion", "DTRMetrics", "DTREvaluation", "DTRTraining",
        "DTRWorkbench",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: fast),

    // one test target per module, in floor order
    .testTarget(name: "DTREngineTests", dependencies: ["DTREngine", "DTRTestSupport"], swiftSettings: fast),
    .testTarget(name: "DTRFormatsTests", dependencies: ["DTREngine", "DTRFormats", "DTRTestSupport"], swiftSettings: fast),
    .testTarget(name: "DTRDataTests", dependencies: ["DTREngine", "DTRData", "DTRTestSupport"], swiftSettings: fast),
    .testTarget(name: "DTRModelsTests", dependencies: ["DTREngine", "DTRData", "DTRModels", "DTRTestSupport"], swiftSettings: fast),
    .testTarget(name: "DTRDiffusionTests", dependencies: ["DTREngine", "DTRDiffusion"], swiftSettings: fast),
    .testTarget(name: "DTRMetricsTests", dependencies: ["DTREngine", "DTRMetrics", "DTRFormats", "DTRTestSupport"],
                exclude: ["Reference"],
                swiftSettings: fast),
    .testTarget(name: "DTREvaluationTests",
                dependencies: ["DTREngine", "DTREvaluation", "DTRMetrics", "DTRFormats", "DTRData", "DTRModels", "DTRDiffusion",
                               "DTRTestSupport"],
                swiftSettings: fast),
    .testTarget(name: "DTRTrainingTests", dependencies: ["DTREngine", "DTRFormats", "DTRData", "DTRModels", "DTRTraining"], swiftSettings: fast),
    .testTarget(name: "DTRWorkbenchTests", dependencies: ["DTREngine", "DTRFormats", "DTRWorkbench", "DTRTraining", "DTRModels"],
                swiftSettings: fast),
    // the `dtr` executable, run as a subprocess
    .testTarget(name: "CLITests", dependencies: ["DTREngine", "DTRFormats", "DTRTraining", "DTRWorkbench", "DTRTestSupport"],
                exclude: ["Reference"], swiftSettings: fast),
  ]
)
