/// CargoSupport: finding a cargo workspace, building its tests with extra
/// flags, and listing the tests inside each test binary.
///
/// Owns: cargo invocations and the parsing of their output.
/// Never depends on: LLVM, the store, the runner.
