import BlockIR
import Coverage
import Foundation
import Testing

/// All suites of this module run one at a time: the overhead figures are
/// measured without the other suites' processes competing for the CPU.
@Suite(.serialized) enum CoverageSuites {}

extension CoverageSuites {
    /// Per-test block coverage on a real instrumented rustc test binary, one
    /// process per test, mapped through the real PC table, ELF symbols and
    /// BlockIR fingerprints.
    @Suite struct MappingTests {
        @Test func rustcFlagsAreDesignFlagsPlusRuntime() {
            let library = URL(fileURLWithPath: "/cache/runtime/abc/libtrimrt.a")
            #expect(SanitizerCoverage.rustcFlags(runtimeLibrary: library) == [
                "-C", "passes=sancov-module",
                "-C", "llvm-args=-sanitizer-coverage-level=2",
                "-C", "llvm-args=-sanitizer-coverage-prune-blocks=0",
                "-C", "llvm-args=-sanitizer-coverage-trace-pc-guard",
                "-C", "llvm-args=-sanitizer-coverage-pc-table",
                "-C", "link-arg=/cache/runtime/abc/libtrimrt.a",
            ])
            #expect(SanitizerCoverage.coverageFileVariable == "TRIM_COVERAGE_FILE")
            #expect(SanitizerCoverage.pcTableFileVariable == "TRIM_PCTABLE_FILE")
        }

        @Test func addTestCoversAddAndNotMul() throws {
            let fixture = try CoverageFixture.get()
            #expect(fixture.runs["adds"]!.termination == .exit(0), "\(fixture.runs["adds"]!.output)")
            let mapping = try fixture.mapping("adds")
            let add = try fixture.function("fx::add"), mul = try fixture.function("fx::mul")
            let covered = try #require(mapping.function(module: fixture.module.sourceFilename, symbol: add.symbol))
            #expect(covered.blocks.contains(0), "the entry block of add ran")
            #expect(covered.blocks.allSatisfy { Int($0) < add.blocks.count })
            // The overflow-panic block of `a + b` did not run.
            #expect(covered.blocks.count < add.blocks.count)
            #expect(mapping.function(symbol: mul.symbol) == nil)
            #expect(mapping.function(symbol: try fixture.function("fx::tests::adds").symbol) != nil)
            #expect(mapping.unmapped.isEmpty, "\(mapping.unmapped)")

            let muls = try fixture.mapping("muls")
            #expect(muls.function(symbol: mul.symbol) != nil)
            #expect(muls.function(symbol: add.symbol) == nil)
        }

        @Test func branchesGiveDifferentBlocks() throws {
            let fixture = try CoverageFixture.get()
            let classify = try fixture.function("fx::classify")
            let big = try #require(try fixture.mapping("big").function(symbol: classify.symbol))
            let small = try #require(try fixture.mapping("small").function(symbol: classify.symbol))
            #expect(big.blocks != small.blocks)
            #expect(big.blocks.contains(0) && small.blocks.contains(0))
            // Each side has a block the other lacks (the two arms of the `if`).
            #expect(!Set(big.blocks).subtracting(small.blocks).isEmpty)
            #expect(!Set(small.blocks).subtracting(big.blocks).isEmpty)
        }

        @Test func failingTestStillDumps() throws {
            let fixture = try CoverageFixture.get()
            let run = fixture.runs["fails"]!
            #expect(run.termination == .exit(101), "\(run.output)")
            let dump = try fixture.dump("fails")
            #expect(dump.endedBySignal == nil)
            #expect(dump.isComplete)
            let mapping = try fixture.mapper.map(dump)
            #expect(mapping.function(symbol: try fixture.function("fx::tests::fails").symbol) != nil)
            #expect(mapping.function(symbol: try fixture.function("fx::add").symbol) != nil)
            #expect(mapping.unmapped.isEmpty, "\(mapping.unmapped)")
        }

        @Test func abortingTestDumpsFromTheSignalHandler() throws {
            let fixture = try CoverageFixture.get()
            let run = fixture.runs["aborts"]!
            #expect(run.termination == .signal(SIGABRT), "the runtime re-raised SIGABRT: \(run.output)")
            let dump = try fixture.dump("aborts")
            #expect(dump.endedBySignal == SIGABRT)
            let mapping = try fixture.mapper.map(dump)
            #expect(mapping.function(symbol: try fixture.function("fx::tests::aborts").symbol) != nil)
            #expect(mapping.function(symbol: try fixture.function("fx::add").symbol) != nil)
            #expect(mapping.unmapped.isEmpty, "\(mapping.unmapped)")
        }

        @Test func segfaultingTestDumpsFromTheSignalHandler() throws {
            let fixture = try CoverageFixture.get()
            let run = fixture.runs["segfaults"]!
            #expect(run.termination == .signal(SIGSEGV), "\(run.output)")
            let dump = try fixture.dump("segfaults")
            #expect(dump.endedBySignal == SIGSEGV)
            let mapping = try fixture.mapper.map(dump)
            #expect(mapping.function(symbol: try fixture.function("fx::tests::segfaults").symbol) != nil)
        }

        /// Pins a limitation: libtest runs each test on a thread of its own,
        /// which has no alternate signal stack once the runtime owns SIGSEGV
        /// (std then skips installing its stack-overflow handler and the
        /// per-thread alternate stacks). A stack overflow kills the process
        /// with SIGSEGV, without Rust's "has overflowed its stack" message and
        /// without a dump: the runner must treat the coverage as unknown.
        @Test func stackOverflowLeavesNoDump() throws {
            let fixture = try CoverageFixture.get()
            let run = fixture.runs["overflows"]!
            #expect(run.termination == .signal(SIGSEGV), "\(run.output)")
            #expect(throws: CoverageError.fileNotFound(path: run.dumpPath.path)) { try fixture.dump("overflows") }
        }

        @Test func everyHitSlotOfEveryTestIsMapped() throws {
            let fixture = try CoverageFixture.get()
            #expect(fixture.mapper.unmappedFunctions.isEmpty, "\(fixture.mapper.unmappedFunctions)")
            #expect(fixture.mapper.mappedFunctionCount > 10)
            for name in CoverageFixture.testNames {
                let dump = try fixture.dump(name)
                #expect(!dump.hitSlots.isEmpty, "\(name)")
                #expect(dump.hitSlots == dump.hitSlots.sorted())
                #expect(dump.slotCount == fixture.pcTable.slotCount)
                let mapping = try fixture.mapper.map(dump)
                #expect(mapping.unmapped.isEmpty, "\(name): \(mapping.unmapped)")
                for function in mapping.functions {
                    #expect(function.module == fixture.module.sourceFilename)
                    #expect(function.blocks == function.blocks.sorted())
                }
            }
        }

        /// Blocks without a slot (the bare `unreachable` default of an exhaustive
        /// match) count as executed once their function ran.
        @Test func uninstrumentedBlocksCountWithTheirFunction() throws {
            let fixture = try CoverageFixture.get()
            let degrees = try fixture.function("fx::degrees")
            let instrumented = Set(degrees.coverageBlocks)
            let bare = (0..<UInt32(degrees.blocks.count)).filter { !instrumented.contains($0) }
            #expect(!bare.isEmpty, "rustc emitted an uninstrumented unreachable block")
            let covered = try #require(try fixture.mapping("compass").function(symbol: degrees.symbol))
            #expect(Set(bare).isSubset(of: covered.blocks))
            // Only the East arm ran of the four.
            #expect(covered.blocks.count < degrees.blocks.count)
        }

        /// The ELF `STT_FILE` before a local symbol equals the module's
        /// `source_filename`, which rustc sets to the CGU name, not the crate root.
        @Test func sttFileEqualsSourceFilename() throws {
            let fixture = try CoverageFixture.get()
            #expect(fixture.module.sourceFilename.hasPrefix("fx."))
            #expect(fixture.module.sourceFilename.contains("-cgu."))
            let add = try fixture.function("fx::add")
            let symbol = try #require(fixture.symbols.functions.first { $0.name == add.symbol })
            #expect(symbol.isLocal)
            #expect(symbol.file == fixture.module.sourceFilename)
            // Every function-entry slot sits at a function symbol's address.
            for entry in fixture.pcTable.entries where entry.isFunctionEntry {
                #expect(!fixture.symbols.functions(at: entry.address).isEmpty)
            }
        }

        @Test func functionsWithoutFingerprintAreReportedNotDropped() throws {
            let fixture = try CoverageFixture.get()
            let blind = SlotMapper(pcTable: fixture.pcTable, symbols: fixture.symbols, modules: [])
            let dump = try fixture.dump("adds")
            let mapping = try blind.map(dump)
            #expect(mapping.functions.isEmpty)
            #expect(mapping.unmapped.map(\.slot) == dump.hitSlots)
            for slot in mapping.unmapped {
                guard case .noFingerprint(let symbol, let file) = slot.reason else {
                    Issue.record("unexpected reason \(slot.reason)")
                    continue
                }
                // Functions of this crate's module (generic std instances included),
                // named with the STT_FILE for locals.
                #expect(fixture.module.functions.contains { $0.symbol == symbol })
                #expect(file == nil || file == fixture.module.sourceFilename)
                #expect(slot.reason.description.contains("give the bitcode"))
            }
        }

        @Test func dumpFromAnotherBinaryIsRejected() throws {
            let fixture = try CoverageFixture.get()
            let foreign = HitDump(path: "/tmp/other.cov", slotCount: fixture.pcTable.slotCount + 1, hitSlots: [0],
                                  endedBySignal: nil)
            #expect(throws: CoverageError.slotCountMismatch(
                dumpPath: "/tmp/other.cov", dumpSlots: fixture.pcTable.slotCount + 1,
                pcTablePath: fixture.pcTable.path, tableSlots: fixture.pcTable.slotCount)) {
                try fixture.mapper.map(foreign)
            }
        }

        @Test func relativePathsAreFixedAtStartUp() throws {
            let fixture = try CoverageFixture.get()
            let dir = fixture.root.appendingPathComponent("relative-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let result = CoverageFixture.run(
                fixture.executable.path, ["--exact", "tests::wanders"], in: dir,
                environment: [SanitizerCoverage.coverageFileVariable: "wanders.cov",
                              SanitizerCoverage.pcTableFileVariable: "wanders.pctable"])
            #expect(result.termination == .exit(0), "\(result.output)")
            let dump = try HitDump.read(dir.appendingPathComponent("wanders.cov"))
            let table = try PCTable.read(dir.appendingPathComponent("wanders.pctable"))
            #expect(table.entries == fixture.pcTable.entries)
            let mapping = try fixture.mapper.map(dump)
            #expect(mapping.function(symbol: try fixture.function("fx::tests::wanders").symbol) != nil)
        }

        @Test func noDumpWithoutTheVariable() throws {
            let fixture = try CoverageFixture.get()
            let dir = fixture.root.appendingPathComponent("quiet-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let result = CoverageFixture.run(fixture.executable.path, ["--exact", "tests::adds"], in: dir)
            #expect(result.termination == .exit(0))
            let aborted = CoverageFixture.run(fixture.executable.path, ["--exact", "tests::aborts"], in: dir)
            #expect(aborted.termination == .signal(SIGABRT))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        }

        @Test func unwritableRuntimeCacheIsATypedError() throws {
            let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("trim-rt-file-\(UUID().uuidString)")
            try Data("a file where the cache directory should be".utf8).write(to: blocker)
            defer { try? FileManager.default.removeItem(at: blocker) }
            do {
                _ = try CoverageRuntime.library(cacheDirectory: blocker)
                Issue.record("built a runtime under a regular file")
            } catch {
                guard case .cacheUnwritable(let path, _) = error else {
                    Issue.record("expected cacheUnwritable, got \(error)")
                    return
                }
                #expect(path.hasPrefix(blocker.path))
                #expect(error.description.contains("TRIM_CACHE_DIR"))
            }
        }

        @Test func runtimeIsBuiltOnceAndSafelyInParallel() async throws {
            let cache = FileManager.default.temporaryDirectory.appendingPathComponent("trim-rt-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: cache) }
            let paths = try await withThrowingTaskGroup(of: URL.self) { group in
                for _ in 0..<6 {
                    group.addTask { try CoverageRuntime.library(cacheDirectory: cache) }
                }
                return try await group.reduce(into: [URL]()) { $0.append($1) }
            }
            #expect(Set(paths.map(\.path)).count == 1)
            let library = try #require(paths.first)
            #expect(library.path == cache.appendingPathComponent("runtime/\(CoverageRuntime.sourceHash)/libtrimrt.a").path)
            let before = try FileManager.default.attributesOfItem(atPath: library.path)[.modificationDate] as? Date
            #expect(try CoverageRuntime.library(cacheDirectory: cache) == library)
            let after = try FileManager.default.attributesOfItem(atPath: library.path)[.modificationDate] as? Date
            #expect(before == after, "reused, not rebuilt")
            // Only the archive and its source remain: no temporary leftovers.
            let entries = try FileManager.default.contentsOfDirectory(atPath: library.deletingLastPathComponent().path)
            #expect(Set(entries) == ["libtrimrt.a", "trimrt.c"])
        }
    }
}
