import BlockIR
import Coverage
import Foundation
import ProcessSpawn

#if canImport(Glibc)
import Glibc
#endif

/// A small Rust crate compiled at test time with real rustc, instrumented with
/// `SanitizerCoverage.rustcFlags` and linked with the real runtime (built into
/// a private cache), plus the same crate built without instrumentation.
struct CoverageFixture: Sendable {
    static let crate = """
        pub fn add(a: i64, b: i64) -> i64 {
            a + b
        }

        pub fn mul(a: i64, b: i64) -> i64 {
            let mut r = 0;
            for _ in 0..b {
                r += a;
            }
            r
        }

        pub fn classify(x: i64) -> &'static str {
            if x > 10 {
                "big"
            } else {
                "small"
            }
        }

        pub enum Direction { North, East, South, West }

        // An exhaustive match: rustc adds a bare `unreachable` default block,
        // which SanitizerCoverage does not instrument.
        pub fn degrees(d: Direction) -> u32 {
            match d {
                Direction::North => 0,
                Direction::East => 90,
                Direction::South => 180,
                Direction::West => 270,
            }
        }

        pub fn collatz_steps(mut n: u64) -> u32 {
            let mut steps = 0;
            while n != 1 {
                n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
                steps += 1;
            }
            steps
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn adds() {
                assert_eq!(add(2, 3), 5);
            }

            #[test]
            fn muls() {
                assert_eq!(mul(2, 3), 6);
            }

            #[test]
            fn big() {
                assert_eq!(classify(std::hint::black_box(20)), "big");
            }

            #[test]
            fn small() {
                assert_eq!(classify(std::hint::black_box(1)), "small");
            }

            #[test]
            fn compass() {
                assert_eq!(degrees(std::hint::black_box(Direction::East)), 90);
            }

            // A hot loop in instrumented code: every block execution calls the guard callback.
            #[test]
            fn crunch() {
                let mut total = 0u64;
                for n in 1..100_000 {
                    total += collatz_steps(n) as u64;
                }
                assert!(total > 0);
            }

            #[test]
            fn fails() {
                assert_eq!(add(2, 2), 5, "deliberately failing");
            }

            // Moves away and hides the variables: the dump must still land where asked.
            #[test]
            fn wanders() {
                std::env::set_current_dir("/").unwrap();
                std::env::remove_var("TRIM_COVERAGE_FILE");
                std::env::remove_var("TRIM_PCTABLE_FILE");
                assert_eq!(add(1, 1), 2);
            }

            #[test]
            fn segfaults() {
                if add(1, 1) == 2 {
                    unsafe { std::ptr::null_mut::<u64>().write_volatile(1) }
                }
            }

            fn deep(n: u64) -> u64 {
                let frame = [n; 64];
                if n == 0 { 0 } else { deep(n - 1) + std::hint::black_box(frame)[3] }
            }

            #[test]
            fn overflows() {
                deep(u64::MAX);
            }

            #[test]
            fn aborts() {
                if add(1, 1) == 2 {
                    std::process::abort();
                }
            }
        }
        """

    static let testNames = ["adds", "muls", "big", "small", "compass", "crunch", "fails", "aborts", "segfaults"]
    /// Tests that leave no dump (see `stackOverflowLeavesNoDump`).
    static let undumped = ["overflows"]

    let root: URL
    let runtimeLibrary: URL
    let executable: URL
    let plainExecutable: URL
    let bitcode: URL
    let module: ModuleFingerprint
    let pcTable: PCTable
    let symbols: ELFSymbols
    let mapper: SlotMapper
    /// Per test: its process's end and the dump it left.
    let runs: [String: TestRun]

    struct TestRun: Sendable {
        var termination: Termination
        var output: String
        var dumpPath: URL
    }

    /// Built once for the whole suite.
    static let shared: Result<CoverageFixture, FixtureError> = Result { () throws(FixtureError) in
        do {
            return try CoverageFixture()
        } catch let error as FixtureError {
            throw error
        } catch {
            throw FixtureError(description: "\(error)")
        }
    }

    static func get() throws -> CoverageFixture { try shared.get() }

    private init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-coverage-\(UUID().uuidString)")
        let source = root.appendingPathComponent("crate/src/lib.rs")
        try FileManager.default.createDirectory(at: source.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Self.crate.write(to: source, atomically: true, encoding: .utf8)
        let crateDirectory = root.appendingPathComponent("crate")

        runtimeLibrary = try CoverageRuntime.library(cacheDirectory: root.appendingPathComponent("cache"))

        let instrumented = root.appendingPathComponent("instrumented")
        let plain = root.appendingPathComponent("plain")
        for dir in [instrumented, plain] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        let common = ["--edition", "2021", "--test", "-g", "-C", "debuginfo=line-tables-only", "--crate-name", "fx"]
        try Self.check("rustc", Self.run(
            "rustc", common + ["--emit=llvm-bc,link", "--out-dir", instrumented.path]
                + SanitizerCoverage.rustcFlags(runtimeLibrary: runtimeLibrary) + ["src/lib.rs"],
            in: crateDirectory))
        try Self.check("rustc", Self.run(
            "rustc", common + ["--emit=link", "--out-dir", plain.path, "src/lib.rs"], in: crateDirectory))
        executable = instrumented.appendingPathComponent("fx")
        plainExecutable = plain.appendingPathComponent("fx")
        bitcode = instrumented.appendingPathComponent("fx.bc")

        let fingerprinter = Fingerprinter(
            cache: FingerprintCache(directory: root.appendingPathComponent("fingerprints")),
            reader: try IsolatedReader())
        module = try fingerprinter.fingerprint(try BitcodeFile(path: bitcode.path))

        let tablePath = root.appendingPathComponent("fx.pctable")
        try Self.check("--list", Self.run(executable.path, ["--list"],
                                          environment: [SanitizerCoverage.pcTableFileVariable: tablePath.path]))
        pcTable = try PCTable.read(tablePath)
        symbols = try ELFSymbols.read(executable: executable)
        mapper = SlotMapper(pcTable: pcTable, symbols: symbols, modules: [module])

        var runs: [String: TestRun] = [:]
        for name in Self.testNames + Self.undumped {
            let dump = root.appendingPathComponent("\(name).cov")
            let result = Self.run(executable.path, ["--exact", "tests::\(name)", "--nocapture"],
                                  environment: [SanitizerCoverage.coverageFileVariable: dump.path])
            runs[name] = TestRun(termination: result.termination, output: result.output, dumpPath: dump)
        }
        self.runs = runs
    }

    func dump(_ test: String) throws -> HitDump {
        try HitDump.read(runs[test]!.dumpPath)
    }

    func mapping(_ test: String) throws -> SlotMapping {
        try mapper.map(try dump(test))
    }

    /// The fingerprint of the function whose demangled name (without hash) is `name`.
    func function(_ name: String) throws -> FunctionFingerprint {
        guard let function = module.functions.first(where: {
            SymbolNames.display(demangled: $0.demangled, keepHash: false) == name
        }) else {
            throw FixtureError(description: "no function \(name) in \(bitcode.path): "
                + module.functions.map(\.demangled).joined(separator: ", "))
        }
        return function
    }

    // MARK: processes

    enum Termination: Equatable, Sendable {
        case exit(Int32)
        case signal(Int32)
        case failedToStart(String)
    }

    struct ProcessResult: Sendable {
        var termination: Termination
        var output: String
    }

    static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil,
                    environment extra: [String: String] = [:]) -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment[SanitizerCoverage.coverageFileVariable] = nil
        environment[SanitizerCoverage.pcTableFileVariable] = nil
        environment.merge(extra) { _, new in new }
        let (executable, fullArguments) = tool.contains("/") ? (tool, arguments) : ("/usr/bin/env", [tool] + arguments)
        let finished: ChildProcess.Finished
        do {
            finished = try ChildProcess.run(executable, fullArguments, directory: directory?.path,
                                            environment: environment, stderr: .toStdout)
        } catch {
            return ProcessResult(termination: .failedToStart("\(error)"), output: "")
        }
        let termination: Termination
        switch finished.exit {
        case .exited(let code): termination = .exit(code)
        case .signalled(let signal): termination = .signal(signal)
        }
        return ProcessResult(termination: termination, output: String(decoding: finished.stdout, as: UTF8.self))
    }

    static func check(_ what: String, _ result: ProcessResult) throws {
        guard result.termination == .exit(0) else {
            throw FixtureError(description: "\(what) failed (\(result.termination)):\n\(result.output)")
        }
    }
}

struct FixtureError: Error, CustomStringConvertible, Sendable {
    var description: String
}
