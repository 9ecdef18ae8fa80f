// swift-tools-version:6.0
import PackageDescription

// LLVM 22 from Debian's llvm-22-dev (matches rustc 1.95's LLVM). Debian ships
// no pkg-config file for it, so the paths are given here; scripts/setup
// installs the package when it is missing.
let llvmInclude = "/usr/lib/llvm-22/include"
let llvmLib = "/usr/lib/llvm-22/lib"

// The executables trim starts on every run (trim itself, its IR worker, its
// rustc wrapper) carry Swift's runtime and Foundation in themselves: loading
// and binding those shared libraries was half of trim's time before cargo
// starts, and every call into them went through the PLT. `-static-stdlib`
// alone leaves out the archives Foundation's own modules need, so they are
// named here (a group: they refer to each other); libxml2 (FoundationXML,
// for JUnit) stays a system library. They are linked position-dependent
// (`-no-pie`): a position-independent one relocates ~128,000 pointers of
// Swift's metadata at every start (trim --version: 4.3 → 3.5 ms of CPU, the
// IR worker 2.1 → 1.75 ms). The rustc wrapper, started for every rustc call
// and needing neither Foundation nor any shared library, is one static
// executable: no dynamic loader at all (its start 2.2 → 1.5 ms of CPU).
// Linking it warns that the Swift runtime's optional `dlopen` needs this
// glibc at run time; the wrapper never reaches it.
let positionDependent = ["-Xclang-linker", "-no-pie"]
let staticSwiftRuntime: [LinkerSetting] = [
    .unsafeFlags(positionDependent + [
        "-static-stdlib", "-Xlinker", "--start-group",
        "-lFoundation", "-lFoundationInternationalization", "-lCoreFoundation", "-l_FoundationICU",
        "-lFoundationEssentials", "-l_FoundationCShims", "-l_FoundationCollections", "-lswiftSynchronization",
        "-lFoundationXML", "-l_CFXMLInterface",
        "-Xlinker", "--end-group", "-lxml2",
    ]),
]

let package = Package(
    name: "trim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "blockdiff", targets: ["blockdiff"]),
        .executable(name: "trim-ir-worker", targets: ["trim-ir-worker"]),
        .executable(name: "trim", targets: ["trim"]),
        .executable(name: "cargo-trim", targets: ["cargo-trim"]),
        .executable(name: "trim-rustc-wrapper", targets: ["trim-rustc-wrapper"]),
        .library(name: "BlockIR", targets: ["BlockIR"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // LLVM's bitcode reader, linked from its static archives (only the
        // members the shim uses): the worker starts in ~2 ms, where loading
        // and relocating libLLVM took ~10 ms of CPU on every start.
        .target(
            name: "CLLVMShim",
            path: "CLLVMShim",
            cSettings: [.unsafeFlags(["-I\(llvmInclude)", "-O2"])],
            cxxSettings: [.unsafeFlags(["-I\(llvmInclude)", "-O2"])],
            linkerSettings: [
                .unsafeFlags(["-L\(llvmLib)"]),
                .linkedLibrary("LLVMBitReader"), .linkedLibrary("LLVMCore"), .linkedLibrary("LLVMRemarks"),
                .linkedLibrary("LLVMBinaryFormat"), .linkedLibrary("LLVMTargetParser"),
                .linkedLibrary("LLVMBitstreamReader"), .linkedLibrary("LLVMSupport"), .linkedLibrary("LLVMDemangle"),
                .linkedLibrary("stdc++"),
            ]
        ),
        // BLAKE3 and the reader's LLVM version for trim's own process: LLVM's
        // headers and its static BLAKE3 objects, never libLLVM at run time.
        // The archive is given as a linker input, which SwiftPM places after
        // every `-l`: where CLLVMShim's LLVM archives are linked too (the
        // worker, the tests) they come first and this adds nothing; elsewhere
        // only the BLAKE3 members are taken. NoLLVMInTrimTests checks both.
        .target(
            name: "CContentHash",
            path: "CContentHash",
            cSettings: [.unsafeFlags(["-I\(llvmInclude)", "-O2", "-Wall", "-Wextra"])],
            linkerSettings: [.unsafeFlags(["-Xlinker", "\(llvmLib)/libLLVMSupport.a"])]
        ),
        .target(name: "ProcessSpawn"),
        // Lock-protected slots and boxes for parallel loops.
        .target(name: "LockedValues"),
        // The values the stages hand each other (test keys, build facts, results, inputs).
        .target(name: "TrimModel"),
        // Directories and files trim keeps private to the user, and leftovers of killed runs.
        .target(name: "PrivateFiles", dependencies: ["ProcessSpawn"]),
        // C libraries trim compiles for itself, cached per content hash.
        .target(name: "NativeBuild", dependencies: ["PrivateFiles", "ProcessSpawn"]),
        .target(name: "BlockIR", dependencies: ["CContentHash", "LockedValues", "ProcessSpawn", "PrivateFiles"]),
        // Reading bitcode in this process through CLLVMShim (libLLVM): the worker's side only.
        .target(name: "BitcodeReader", dependencies: ["BlockIR", "CLLVMShim", "PrivateFiles"]),
        .target(name: "BlockDiffReport", dependencies: ["BlockIR"]),
        .executableTarget(
            name: "blockdiff",
            dependencies: [
                "BlockIR", "BlockDiffReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "trim-ir-worker", dependencies: ["BitcodeReader", "BlockIR"],
                          linkerSettings: staticSwiftRuntime),
        // trim run: coverage runtime and slot mapping, cargo driving, the store,
        // the runner and its reporters, and the pipeline that ties them.
        .target(name: "Coverage", dependencies: ["BlockIR", "TrimModel", "NativeBuild", "PrivateFiles", "ProcessSpawn"], resources: [.embedInCode("Runtime/trim_runtime.c")]),
        .target(name: "InputTracing", dependencies: ["BlockIR", "TrimModel", "NativeBuild", "PrivateFiles", "ProcessSpawn"],
                resources: [.embedInCode("Interposer/trimio.c")]),
        // cargo's rustc wrapper, without Foundation (it starts for every rustc call).
        .target(name: "RustcWrapping"),
        .target(name: "CargoSupport", dependencies: [
            "ProcessSpawn", "RustcWrapping", .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "TestFilter"),
        .target(
            name: "Store", dependencies: ["BlockIR", "TrimModel", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The shared PostgreSQL store, beside the SQLite default (same contract: Store's CoverageStore).
        .target(name: "PostgresStore", dependencies: [
                "Store", "BlockIR", "TrimModel", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "Selection", dependencies: ["BlockIR", "LockedValues", "TrimModel", "TrimConfig"]),
        .target(name: "Runner", dependencies: ["LockedValues", "ProcessSpawn", "TrimModel"]),
        .target(name: "TrimConfig", dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]),
        .target(name: "Reporting", dependencies: ["Runner", "Selection", "TrimConfig"]),
        .target(name: "TrimPipeline", dependencies: [
                "BlockIR", "Coverage", "CargoSupport", "Store", "PostgresStore", "Selection", "Runner", "TestFilter", "RustcWrapping",
                "TrimModel", "LockedValues", "TrimConfig", "InputTracing", "ProcessSpawn", "PrivateFiles",
            ]),
        // trim coverage, trim path, trim watch, trim lsp: results where people look.
        .target(name: "Editor", dependencies: [
                "TrimPipeline", "TrimModel", "BlockIR", "CargoSupport", "Store", "Runner", "Reporting", "ProcessSpawn", "TrimConfig", "TestFilter",
            ]),
        .target(
            name: "TrimCLI",
            dependencies: [
                "TrimPipeline", "CargoSupport", "Reporting", "Selection", "Runner", "TestFilter", "TrimConfig", "History",
                "Editor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // trim simulate-history: replay a repository's commits, compare the grains, mutants.
        .target(name: "History", dependencies: [
                "TrimPipeline", "CargoSupport", "Reporting", "Runner", "Selection", "Store", "TrimConfig", "TrimModel",
                "NativeBuild", "PrivateFiles", "ProcessSpawn",
            ], resources: [.embedInCode("FixedRandom/trim_fixed_random.c")]),
        .executableTarget(name: "trim", dependencies: ["TrimCLI", "CargoSupport"], linkerSettings: staticSwiftRuntime),
        .executableTarget(name: "cargo-trim", dependencies: ["TrimCLI", "CargoSupport"], linkerSettings: staticSwiftRuntime),
        .executableTarget(name: "trim-rustc-wrapper", dependencies: ["RustcWrapping"],
                          linkerSettings: [.unsafeFlags(["-static-executable"])]),
        .executableTarget(name: "trim-bench-parse", dependencies: ["CLLVMShim"], path: "Benchmarks/ParseOnly"),
        .executableTarget(name: "trim-bench-merge", dependencies: ["BlockIR"], path: "Benchmarks/Merge"),
        .executableTarget(name: "trim-bench-overhead", dependencies: ["Coverage", "InputTracing", "ProcessSpawn", "TrimModel"],
                          path: "Benchmarks/Overhead", exclude: ["overhead.rs"]),
        // The benchmark scripts' generated Rust (from Templates/) and their statistics.
        .executableTarget(name: "trim-bench-generate", path: "Benchmarks/Generate", resources: [
                .embedInCode("Templates/blockdiff-lib.rs"), .embedInCode("Templates/blockdiff-module.rs"),
                .embedInCode("Templates/shop-Cargo.toml"), .embedInCode("Templates/shop-lib.rs"),
                .embedInCode("Templates/shop-module.rs"), .embedInCode("Templates/shop-checkout.rs"),
                .embedInCode("Templates/shop-text.rs"),
                .embedInCode("Templates/plain-Cargo.toml"), .embedInCode("Templates/many-tests-lib.rs"),
                .embedInCode("Templates/many-tests-module.rs"), .embedInCode("Templates/many-tests-function.rs"),
                .embedInCode("Templates/many-tests-test.rs"), .embedInCode("Templates/slow-workspace-Cargo.toml"),
                .embedInCode("Templates/slow-lib.rs"), .embedInCode("Templates/slow-tests.rs"),
                .embedInCode("Templates/slow-test.rs"),
            ]),
        .executableTarget(name: "trim-bench-stats", path: "Benchmarks/Stats"),
        .executableTarget(name: "trim-bench-selection", dependencies: ["Selection", "Store", "PostgresStore", "BlockIR", "TrimModel"], path: "Benchmarks/Selection"),
        .testTarget(
            name: "BlockIRTests",
            dependencies: ["BlockIR", "BitcodeReader", "BlockDiffReport", "ProcessSpawn"]
        ),
        .testTarget(name: "BlockDiffCLITests", dependencies: ["BlockIR", "ProcessSpawn"]),
        .testTarget(name: "CoverageTests", dependencies: ["Coverage", "BlockIR", "PrivateFiles", "ProcessSpawn"]),
        .testTarget(name: "InputTracingTests", dependencies: ["InputTracing", "Coverage", "BlockIR", "Selection", "TrimConfig", "TrimModel", "PrivateFiles", "ProcessSpawn"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "PostgresStore", "BlockIR", "TrimModel", "ProcessSpawn"]),
        .testTarget(name: "SelectionTests", dependencies: ["Selection", "Store", "BlockIR", "InputTracing", "TrimConfig", "TrimModel", "ProcessSpawn"]),
        .testTarget(name: "TestFilterTests", dependencies: ["TestFilter"]),
        .testTarget(name: "TrimConfigTests", dependencies: ["TrimConfig"]),
        .testTarget(name: "TrimRunTests", dependencies: ["TrimPipeline", "CargoSupport", "Runner", "Reporting", "Selection", "Store", "InputTracing", "BlockIR", "BitcodeReader", "TrimModel", "ProcessSpawn", "RustcWrapping", "LockedValues"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Runner"]),
        .testTarget(name: "HistoryTests", dependencies: ["History", "Selection", "PrivateFiles", "NativeBuild", "Coverage", "BlockIR", "Store", "TrimModel", "ProcessSpawn"], exclude: ["Fixtures"]),
        .testTarget(name: "ProcessSpawnTests", dependencies: ["ProcessSpawn"]),
        .testTarget(name: "PrivateFilesTests", dependencies: ["PrivateFiles", "ProcessSpawn"]),
        .testTarget(name: "EditorTests", dependencies: ["Editor", "BlockIR", "Store", "ProcessSpawn"], exclude: ["Clients"]),
    ],
    cxxLanguageStandard: .cxx17
)
