import BitcodeReader
import BlockIR
import Foundation
import Testing

/// A module read by several threads (each its own LLVM context and share of
/// the function bodies) gives exactly the fingerprint one thread gives.
@Suite struct ParallelReadingTests {
    /// 300 functions that call, from every part of the module, 12 functions
    /// SanitizerCoverage cannot see (they only panic): those callees' bodies
    /// are read by whichever thread takes them, and every caller must still
    /// name them. Generics, closures and methods add functions of other shapes.
    static var largeCrate: String {
        var text = "pub const SCALE: u64 = 3;\n"
        text += "pub fn widen<T: Into<u64> + Copy>(t: T) -> u64 { t.into() + 1 }\n"
        for k in 0..<12 {
            text += "#[inline(never)]\npub fn fail_\(k)(x: u64) -> ! { panic!(\"fail \(k) {}\", x) }\n"
        }
        for i in 0..<300 {
            text += """
                pub fn f_\(i)(x: u64) -> u64 {
                    if x > \(i) { x * SCALE + \(i) } else if x == 99 { fail_\((i * 7) % 12)(x) } else { widen(x as u32) }
                }

                """
            if i % 3 == 0 {
                text += """
                    pub struct S\(i)(pub Vec<u64>);
                    impl S\(i) {
                        pub fn total(&self) -> u64 { self.0.iter().map(|v| v + \(i)).filter(|v| v % 2 == 0).sum() }
                    }

                    """
            }
        }
        return text
    }

    static let sancovFlags = [
        "-C", "passes=sancov-module",
        "-C", "llvm-args=-sanitizer-coverage-level=2",
        "-C", "llvm-args=-sanitizer-coverage-prune-blocks=0",
        "-C", "llvm-args=-sanitizer-coverage-trace-pc-guard",
        "-C", "llvm-args=-sanitizer-coverage-pc-table",
    ]

    static func read(_ path: String, threads: Int) throws -> (ModuleFingerprint, Int) {
        let (result, used, _) = ShimReader.readCounting(path: path, threads: threads)
        return (try result.get(), used)
    }

    @Test func threadsGiveTheSameFingerprintAsOne() throws {
        let builds = try FixtureBuilds()
        let path = try builds.rust("large", Self.largeCrate)
        let (one, usedOne) = try Self.read(path, threads: 1)
        #expect(usedOne == 1)
        #expect(one.functions.count > 400)
        // The uncoverable callees are named by their callers.
        let callers = one.functions.filter { f in
            f.demangled.contains("f_") && f.blocks.contains { $0.externalGlobals.contains { $0.contains("fail_") } }
        }
        #expect(callers.count == 300, "\(callers.count) callers name their fail_ callee")
        for threads in [2, 3] {
            let (many, used) = try Self.read(path, threads: threads)
            #expect(used == threads, "a large plain module is split")
            #expect(many == one, "\(threads) threads")
        }
    }

    @Test func theWorkerWritesTheSameBytesForAnyNumberOfThreads() throws {
        let builds = try FixtureBuilds()
        let path = try builds.rust("large", Self.largeCrate)
        let worker = try IsolatedReader().workerPath
        var outputs: [Data] = []
        for threads in [1, 2] {
            let output = builds.root.appendingPathComponent("out-\(threads).fp").path
            try builds.run(worker, ["--threads", "\(threads)", path, output], in: builds.root)
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: output)))
        }
        #expect(outputs[0] == outputs[1])
    }

    /// SanitizerCoverage's PC tables name every instrumented function's
    /// blocks (blockaddress): each thread resolves those of the bodies it reads,
    /// and the slot → block maps come out as one thread makes them.
    @Test func anInstrumentedModuleSplitsToTheSameCoverageMaps() throws {
        let builds = try FixtureBuilds()
        let path = try builds.rust("covered", Self.largeCrate, extraArguments: Self.sancovFlags)
        let (one, _) = try Self.read(path, threads: 1)
        let (two, used) = try Self.read(path, threads: 2)
        #expect(used == 2)
        #expect(two == one)
        #expect(one.functions.filter { !$0.coverageBlocks.isEmpty }.count > 300)
    }

    /// A module that does not split (here one of rustc's codegen units, too
    /// few functions to share) is loaded by one LLVM context whatever the
    /// threads offered: an edit's changed unit is read while cargo still
    /// builds, and a second load would only take a core from rustc.
    @Test func aModuleThatDoesNotSplitIsLoadedOnce() throws {
        let builds = try FixtureBuilds()
        let path = try builds.rust("small-covered", Self.largeCrate.components(separatedBy: "pub fn f_30(").first!,
                                   extraArguments: Self.sancovFlags)
        let (result, used, loaded) = ShimReader.readCounting(path: path, threads: 2)
        let (one, _) = try Self.read(path, threads: 1)
        #expect(try result.get() == one)
        #expect(used == 1)
        #expect(loaded == 1, "the module was loaded \(loaded) times")
        let large = try builds.rust("large", Self.largeCrate)
        let (_, usedLarge, loadedLarge) = ShimReader.readCounting(path: large, threads: 2)
        #expect(usedLarge == 2 && loadedLarge == 2, "a module that splits is loaded by each thread")
    }

    @Test func aSmallModuleIsReadByOneThread() throws {
        let builds = try FixtureBuilds()
        let path = try builds.rust("small", "pub fn one() -> u32 { 1 }\npub fn two() -> u32 { one() + 1 }\n")
        let (small, used) = try Self.read(path, threads: 4)
        #expect(used == 1)
        #expect(small.functions.count == 2)
    }
}
