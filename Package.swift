// swift-tools-version:6.0
import PackageDescription

// LLVM 22 from Debian's llvm-22-dev (matches rustc 1.95's LLVM). Debian ships
// no pkg-config file for it, so the paths are given here; scripts/setup
// installs the package when it is missing.
let llvmInclude = "/usr/lib/llvm-22/include"
let llvmLib = "/usr/lib/llvm-22/lib"

let package = Package(
    name: "trim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "blockdiff", targets: ["blockdiff"]),
        .executable(name: "trim-ir-worker", targets: ["trim-ir-worker"]),
        .library(name: "BlockIR", targets: ["BlockIR"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "CLLVMShim",
            path: "CLLVMShim",
            cSettings: [.unsafeFlags(["-I\(llvmInclude)", "-O2"])],
            cxxSettings: [.unsafeFlags(["-I\(llvmInclude)", "-O2"])],
            linkerSettings: [
                .unsafeFlags(["-L\(llvmLib)", "-Xlinker", "-rpath", "-Xlinker", llvmLib]),
                .linkedLibrary("LLVM-22"),
                .linkedLibrary("stdc++"),
            ]
        ),
        .target(name: "BlockIR", dependencies: ["CLLVMShim"]),
        .target(name: "BlockDiffReport", dependencies: ["BlockIR"]),
        .executableTarget(
            name: "blockdiff",
            dependencies: [
                "BlockIR", "BlockDiffReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "trim-ir-worker", dependencies: ["BlockIR"]),
        .executableTarget(name: "trim-bench-parse", dependencies: ["CLLVMShim"], path: "Benchmarks/ParseOnly"),
        .testTarget(
            name: "BlockIRTests",
            dependencies: ["BlockIR", "BlockDiffReport"]
        ),
    ],
    cxxLanguageStandard: .cxx17
)
