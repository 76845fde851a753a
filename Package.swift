// swift-tools-version: 6.0
// sdsim: a deterministic discrete-event simulator of distributed web systems.
// Dependencies point one way: SDEngine <- SDMetrics <- SDConfig <- SDModels <- SDAnalysis <- SDReports <- sdsim,
// and SDConfig <- SDScenario <- sdsim (the scenario loader never sees the running model).
import PackageDescription

// The per-event code pays for dynamic exclusivity checks on every class property access
// (about 15% of an M/M/1 run). The engine and models are single-threaded per run, so release
// builds of those two targets turn the checks off; debug builds keep them.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "sdsim",
    products: [
        .executable(name: "sdsim", targets: ["sdsim"]),
        .executable(name: "sdsim-bench", targets: ["sdsim-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .systemLibrary(name: "CGSL", pkgConfig: "gsl",
                       providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // Time, events, random streams and distributions. No I/O.
        .target(name: "SDEngine", dependencies: [
            "CGSL",
            .product(name: "HeapModule", package: "swift-collections"),
        ], swiftSettings: hotPath),
        // Tallies, batch means, confidence intervals, histograms, queueing theory.
        .target(name: "SDMetrics", dependencies: [
            "SDEngine", "CGSL",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        // Configuration values: what a scenario resolves to (ModelConfig, ComponentKind and each
        // kind's settings, workloads, failures, expectations). Plain values, no behaviour.
        .target(name: "SDConfig", dependencies: ["SDEngine"]),
        // The running model: a core (Model, Node, requests and frames, the worker pool), one
        // folder per component kind, machines, the workload and population, failures.
        .target(name: "SDModels", dependencies: [
            "SDEngine", "SDMetrics", "SDConfig",
            .product(name: "DequeModule", package: "swift-collections"),
        ], swiftSettings: hotPath),
        // Analyses that run models and read results: runner, expectations, availability and the
        // SPOF audit, estimates.
        .target(name: "SDAnalysis", dependencies: ["SDModels", "SDConfig", "SDMetrics", "SDEngine"]),
        // YAML scenario files: units, validation, compiler-style diagnostics.
        .target(name: "SDScenario", dependencies: [
            "SDConfig", "SDEngine",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Text, JSON and SQLite reports of a run.
        .target(name: "SDReports", dependencies: ["SDAnalysis", "SDModels", "SDConfig", "SDMetrics", "CSQLite"]),
        // The thin command-line front end: the only code touching files, environment and clocks.
        .executableTarget(name: "sdsim", dependencies: [
            "SDScenario", "SDReports", "SDAnalysis", "SDModels", "SDConfig",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], plugins: ["BuildInfo"]),
        // Writes the commit being built into the sdsim target (`sdsim --version`).
        .plugin(name: "BuildInfo", capability: .buildTool()),
        .executableTarget(name: "sdsim-bench", dependencies: ["SDScenario", "SDAnalysis", "SDModels", "SDConfig", "SDEngine"]),
        // The fuzzing harness (tools/fuzz/build.sh builds it with libFuzzer); here, a replay of inputs.
        .executableTarget(name: "sdsim-fuzz", dependencies: ["SDScenario", "SDAnalysis", "SDReports", "SDModels", "SDConfig", "SDEngine"]),
        .testTarget(name: "SDEngineTests", dependencies: ["SDEngine"]),
        .testTarget(name: "SDMetricsTests", dependencies: ["SDMetrics", "SDEngine"]),
        .testTarget(name: "SDModelsTests", dependencies: ["SDModels", "SDAnalysis", "SDConfig", "SDMetrics", "SDEngine"]),
        .testTarget(name: "SDScenarioTests", dependencies: ["SDScenario", "SDAnalysis", "SDModels", "SDConfig", "SDMetrics"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "SDReportsTests", dependencies: ["SDReports", "SDAnalysis", "SDModels", "SDConfig", "SDMetrics", "CSQLite"]),
        .testTarget(name: "SDCLITests", dependencies: ["sdsim", "CSQLite"]),
    ]
)
