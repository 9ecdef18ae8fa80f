// Selection benchmark: the selection rule on a synthetic store of 10,000
// tests × 2,000 functions with 20 changed functions; target <= 100 ms.
//
//   swift build -c release --scratch-path .build-bench --product trim-bench-selection
//   .build-bench/release/trim-bench-selection [--repeat R] [--tests N] [--functions N]
//       [--changed N] [--hits N] [--modules N] [--only block|function|file] [--no-store]
//       [--no-main-hits] [--server postgres://USER:PASSWORD@HOST:PORT/DB]
//   .build-bench/release/trim-bench-selection --database PATH [--repeat R] [--only GRAIN]
//
// Builds, in memory, the fingerprints of an old and a new build (N modules,
// default 4, each also a test binary's own module with libtest's harness
// `main` and one descriptor per test; the functions have 2–12 blocks with
// successors, files and lines; the changed functions differ in one block
// each, spread over every module, so no module has the same bytes on both
// sides) and one passed result per test on the old build, each hitting its
// harness `main` and ~50 functions (most near its own spot in its module, a
// few from a pool of shared helpers) with a few blocks each, sorted by module
// and symbol as trim's SlotMapper sorts them. Measures, over R
// runs (default 7; median, min, max):
//
//   select      Selector.select(SelectionInput(...)) at block, function and
//               file grain (the inputs built once, outside the timing)
//   load        what a real `trim run` reads before selecting, from a real
//               TrimStore in a temporary directory: lastResults(), then for
//               the recorded build build(_:), modules(of:), sourceFiles(of:)
//               (as TrimPipeline's SelectionLoader does)
//   load+select the two in sequence (block grain)
//
// and prints ratios against the 100 ms target. Setting up the store
// (recordBuild ×2, recordResults) is timed once and reported, not judged.
// --no-main-hits leaves libtest's `main` out of every test's hits (a
// diagnostic: real tests always execute it, and it is what makes selection
// look at the test's descriptor). --server postgres://… times the store round
// trip on a PostgreSQL database too (its tables are emptied first), with the
// ratio of its load+select to the SQLite file's. --database PATH times selection on a store a
// real `trim run` recorded instead (RecordedStore.swift). Exit status 0 even
// when the target is missed.
import BlockIR
import Foundation
import PostgresStore
import Selection
import Store
import TrimModel

// MARK: - Arguments

struct Options {
    var repeats = 7
    var tests = 10_000
    var functions = 2_000
    var changed = 20
    var hitsPerTest = 50
    var modules = 4
    var only: Granularity?
    var store = true
    var mainHits = true
    /// A store recorded by a real `trim run`, instead of the synthetic one.
    var database: String?
    /// A PostgreSQL database (empty, or one this benchmark filled before)
    /// to time the same store round trip on, beside the SQLite file.
    var server: String?
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    func number(_ flag: String) -> Int {
        guard let text = arguments.next(), let value = Int(text), value > 0 else {
            fail("\(flag) wants a positive number")
        }
        return value
    }
    while let argument = arguments.next() {
        switch argument {
        case "--repeat": options.repeats = number(argument)
        case "--tests": options.tests = number(argument)
        case "--functions": options.functions = number(argument)
        case "--changed": options.changed = number(argument)
        case "--hits": options.hitsPerTest = number(argument)
        case "--modules": options.modules = number(argument)
        case "--only":
            guard let text = arguments.next(), let grain = Granularity(rawValue: text) else {
                fail("--only wants block, function or file")
            }
            options.only = grain
        case "--no-store": options.store = false
        case "--no-main-hits": options.mainHits = false
        case "--server":
            guard let url = arguments.next() else { fail("--server wants a postgres:// URL") }
            options.server = url
        case "--database":
            guard let path = arguments.next() else { fail("--database wants a path") }
            options.database = path
        case "-h", "--help":
            print("usage: trim-bench-selection [--repeat R] [--tests N] [--functions N] [--changed N] [--hits N]"
                  + " [--modules N] [--only block|function|file] [--no-store] [--no-main-hits]\n"
                  + "       trim-bench-selection --database PATH [--repeat R] [--only block|function|file]")
            exit(0)
        default: fail("unknown argument \(argument)")
        }
    }
    if options.changed > options.functions { fail("--changed exceeds --functions") }
    if options.functions < options.modules * 100 { fail("want at least 100 functions per module") }
    return options
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("trim-bench-selection: \(message)\n".utf8))
    exit(2)
}

// MARK: - Synthetic builds

/// SplitMix64: a small deterministic generator, so every run sees the same store.
struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// A Rust legacy-mangled symbol and LLVM's demangling of it.
func names(module m: Int, function f: Int) -> (symbol: String, demangled: String) {
    let area = "area\(f / 25)", function = "function_\(f)"
    let hash = String(format: "%016llx", UInt64(truncatingIfNeeded: (m &* 1_000_003) ^ (f &* 0x9E37_79B9)) | 1 << 60)
    let symbol = "_ZN4shop2m\(m)\(area.utf8.count)\(area)\(function.utf8.count)\(function)17h\(hash)E"
    return (symbol, "shop::m\(m)::\(area)::\(function)::h\(hash)")
}

let filesPerModule = 24
let externalGlobal = "_ZN4core3fmt9Arguments6new_v117h0000000000000000E"

func makeFunction(module m: Int, index f: Int, rng: inout Generator) -> FunctionFingerprint {
    let blockCount = 2 + rng.below(11)
    let file = UInt32(f * filesPerModule / 600 % filesPerModule)
    var blocks: [BlockFingerprint] = []
    for b in 0..<blockCount {
        var successors: [UInt32] = []
        if b + 1 < blockCount { successors.append(UInt32(b + 1)) }
        if b % 3 == 0 && b + 2 < blockCount { successors.append(UInt32(b + 2)) }
        let blockFile: UInt32? = b % 7 == 6 ? nil : file
        let line = UInt32(10 + f * 12 % 900 + b)
        let instructions = UInt32(2 + rng.below(12))
        let externals: [String] = rng.below(12) == 0 ? [externalGlobal] : []
        blocks.append(BlockFingerprint(hash: rng.next(), successors: successors, file: blockFile, line: line,
                                       instructionCount: instructions, externalGlobals: externals))
    }
    let (symbol, demangled) = names(module: m, function: f)
    let line = UInt32(10 + f * 12 % 900)
    let coverage: [UInt32] = Array(0..<UInt32(blockCount))
    return FunctionFingerprint(symbol: symbol, demangled: demangled, file: "src/m\(m)/file\(file).rs",
                               line: line, isTestHarnessMain: false, blocks: blocks, coverageBlocks: coverage)
}

func harnessMain(module m: Int) -> FunctionFingerprint {
    var blocks: [BlockFingerprint] = []
    for b in 0..<6 {
        let successors: [UInt32] = b < 5 ? [UInt32(b + 1)] : []
        blocks.append(BlockFingerprint(hash: UInt64(0xAA00 + b), successors: successors, file: 0,
                                       line: UInt32(1 + b), instructionCount: 4, externalGlobals: []))
    }
    let symbol = "_ZN4shop2m\(m)4main17h00000000000000" + String(format: "%02x", m) + "E"
    let coverage: [UInt32] = [0, 1, 2, 3, 4, 5]
    return FunctionFingerprint(symbol: symbol, demangled: "shop::m\(m)::main", file: "src/m\(m)/lib.rs", line: 1,
                               isTestHarnessMain: true, blocks: blocks, coverageBlocks: coverage)
}

struct Workload {
    var oldModules: [ModuleRecord]
    var newModules: [ModuleRecord]
    var oldFiles: [String: String]
    var newFiles: [String: String]
    var tests: [TestKey]
    /// Results as recorded on build 1 (the store's first build).
    var results: [TestResultRecord]
    var changed: [(module: Int, function: Int, block: Int)]
    var hitBlocks: Int
}

func testName(_ t: Int) -> String { "tests::area\(t % 80)::case_\(t)" }
func moduleKey(_ m: Int) -> String { "shop_m\(m)-\(String(format: "%016x", 0xC0FFEE00 + m)).bc" }

func makeWorkload(_ o: Options) -> Workload {
    var rng = Generator(state: 42)
    let perModule = o.functions / o.modules
    var oldModules: [ModuleRecord] = []
    var oldFiles: [String: String] = [:]
    for m in 0..<o.modules {
        var functions = (0..<perModule).map { makeFunction(module: m, index: $0, rng: &rng) }
        functions.append(harnessMain(module: m))
        let descriptors = stride(from: m, to: o.tests, by: o.modules).map { t in
            TestDescriptor(digest: UInt64(truncatingIfNeeded: t &* 0x51_7CC1), strings: [testName(t), "src/m\(m)/tests.rs"])
        }
        let files = ["src/m\(m)/lib.rs"] + (0..<filesPerModule).map { "src/m\(m)/file\($0).rs" }
        // Block file indices point into `files` after lib.rs: shift them by one.
        for f in functions.indices where !functions[f].isTestHarnessMain {
            for b in functions[f].blocks.indices {
                if let file = functions[f].blocks[b].file { functions[f].blocks[b].file = file + 1 }
            }
        }
        for file in files { oldFiles[file] = "v1:" + file }
        let fingerprint = ModuleFingerprint(
            sourceFilename: "shop_m\(m).cc5c0a2e-cgu.0", files: files, functions: functions,
            globals: ["_ZN4shop2m\(m)6LIMITS17h00000000000000aaE": 7, "_ZN4shop2m\(m)5TABLE17h00000000000000bbE": 9],
            testDescriptors: descriptors)
        oldModules.append(ModuleRecord(path: moduleKey(m), contentHash: "old-\(m)", fingerprint: fingerprint))
    }

    // The change: `changed` functions spread over all modules, one block each.
    var newModules = oldModules
    var newFiles = oldFiles
    var changed: [(module: Int, function: Int, block: Int)] = []
    var picked = Set<Int>()
    while changed.count < o.changed {
        let global = rng.below(o.functions - o.functions % o.modules)
        guard picked.insert(global).inserted else { continue }
        let m = global % o.modules, f = global / o.modules
        let block = rng.below(newModules[m].fingerprint.functions[f].blocks.count)
        newModules[m].fingerprint.functions[f].blocks[block].hash ^= 0x5A5A_5A5A
        changed.append((m, f, block))
        let fileIndex = newModules[m].fingerprint.functions[f].blocks[block].file
            ?? newModules[m].fingerprint.functions[f].blocks[0].file ?? 0
        let file = newModules[m].fingerprint.files[Int(fileIndex)]
        newFiles[file] = "v2:" + file
    }
    for m in newModules.indices where changed.contains(where: { $0.module == m }) {
        newModules[m].contentHash = "new-\(m)"
    }

    // The results: each test hits its harness main and ~hitsPerTest functions:
    // 80% near its own spot in its module (tests of one area run one area's
    // code), 20% from 60 shared helpers of module 0 (the library's utilities).
    let keys = (0..<o.modules).map(moduleKey)
    let mainSymbols = (0..<o.modules).map { harnessMain(module: $0).symbol }
    var tests: [TestKey] = []
    var results: [TestResultRecord] = []
    var hitBlocks = 0
    let recordedAt = Date(timeIntervalSinceReferenceDate: 800_000_000)
    for t in 0..<o.tests {
        let m = t % o.modules
        let key = TestKey(binary: m == 0 ? "shop" : "shop::it\(m)", name: testName(t))
        tests.append(key)
        var hits: [HitFunction] = []
        if o.mainHits { hits.append(HitFunction(module: keys[m], symbol: mainSymbols[m], blocks: [0, 1, 2, 3, 4, 5])) }
        var seen = Set<Int>()
        let center = rng.below(perModule)
        let count = o.hitsPerTest - 5 + rng.below(11)
        while seen.count < count {
            let shared = rng.below(5) == 0
            let hm = shared ? 0 : m
            let f = shared ? rng.below(60) : (center + rng.below(120)) % perModule
            guard seen.insert(hm * perModule + f).inserted else { continue }
            let function = oldModules[hm].fingerprint.functions[f]
            // Entry block, then each later block taken with probability 1/2.
            var blocks: [UInt32] = [0]
            for b in 1..<function.blocks.count where rng.below(2) == 0 { blocks.append(UInt32(b)) }
            hitBlocks += blocks.count
            hits.append(HitFunction(module: keys[hm], symbol: function.symbol, blocks: blocks))
        }
        // In the order trim's SlotMapper gives them: by module, then symbol.
        hits.sort { ($0.module, $0.symbol) < ($1.module, $1.symbol) }
        results.append(TestResultRecord(key: key, build: BuildID(1), outcome: .passed, duration: 0.004,
                                        coverage: .complete, hits: hits, recordedAt: recordedAt))
    }
    return Workload(oldModules: oldModules, newModules: newModules, oldFiles: oldFiles, newFiles: newFiles,
                    tests: tests, results: results, changed: changed, hitBlocks: hitBlocks)
}

// MARK: - Timing

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

@inline(never)
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = now()
    let value = try body()
    return (value, now() - start)
}

struct Stats {
    var median: Double, min: Double, max: Double
    init(_ samples: [Double]) {
        let s = samples.sorted()
        median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        min = s.first!
        max = s.last!
    }
}

func ms(_ seconds: Double) -> String { String(format: "%8.1f", seconds * 1000) }

// MARK: - Main

let options = parseOptions()
let target = 0.100
if let database = options.database { benchmarkRecordedStore(database, options: options) }
let facts = BuildFacts(toolchain: "rustc 1.95.0 (59807616e 2026-04-14)\nLLVM version: 22.1.2",
                       rustflags: "--emit=llvm-bc,link -C debuginfo=line-tables-only -C passes=sancov-module",
                       profile: "test", features: [], gitCommit: nil, gitDirty: nil,
                       createdAt: Date(timeIntervalSinceReferenceDate: 800_000_000))

let (workload, generation) = timed { makeWorkload(options) }
let functionCount = workload.oldModules.reduce(0) { $0 + $1.fingerprint.functions.count }
let blockCount = workload.oldModules.reduce(0) { $0 + $1.fingerprint.functions.reduce(0) { $0 + $1.blocks.count } }
let hitFunctions = workload.results.reduce(0) { $0 + $1.hits.count }
print("synthetic store: \(options.tests) tests, \(options.modules) modules, \(functionCount) functions "
      + "(\(options.modules) of them harness mains), \(blockCount) blocks; \(workload.changed.count) functions changed "
      + "in one block each; hits: \(hitFunctions) functions (\(String(format: "%.1f", Double(hitFunctions) / Double(options.tests))) per test), "
      + "\(workload.hitBlocks) blocks; generated in \(String(format: "%.2f", generation)) s")

let resultsByKey = Dictionary(uniqueKeysWithValues: workload.results.map { ($0.key, $0) })
let oldSnapshot = BuildSnapshot(facts: facts, modules: workload.oldModules, sourceFiles: workload.oldFiles)
let newSnapshot = BuildSnapshot(facts: facts, modules: workload.newModules, sourceFiles: workload.newFiles)
func input(_ grain: Granularity, results: [TestKey: TestResultRecord] = resultsByKey,
           recorded: [BuildID: BuildSnapshot] = [BuildID(1): oldSnapshot]) -> SelectionInput {
    SelectionInput(current: newSnapshot, recorded: recorded, tests: workload.tests, results: results,
                   granularity: grain)
}

let grains = options.only.map { [$0] } ?? Granularity.allCases
var selectStats: [Granularity: Stats] = [:]
var selectedCounts: [Granularity: Int] = [:]
for grain in grains {
    let prepared = input(grain)
    var samples: [Double] = []
    for _ in 0..<options.repeats {
        let (selection, seconds) = timed { Selector.select(prepared) }
        samples.append(seconds)
        selectedCounts[grain] = selection.selected.count
        precondition(selection.total == options.tests)
    }
    selectStats[grain] = Stats(samples)
}

// Sanity: coarser grains select at least as many tests.
if let b = selectedCounts[.block], let f = selectedCounts[.function], b > f {
    fail("block grain selected \(b) tests, function grain only \(f)")
}

// The store round trip, on the SQLite file and (--server) on PostgreSQL.
struct RoundTrip {
    var name: String
    var load: Stats
    var loadSelect: Stats
    var setup: [(String, Double)]
    var note: String
}

@MainActor func roundTrip(_ name: String, _ store: any CoverageStore, note: () -> String) throws -> RoundTrip {
    let (oldID, recordOld) = try timed { try store.recordBuild(facts, modules: workload.oldModules,
                                                                sourceFiles: workload.oldFiles) }
    let (_, recordNew) = try timed { try store.recordBuild(facts, modules: workload.newModules,
                                                            sourceFiles: workload.newFiles) }
    let results = workload.results.map { result -> TestResultRecord in
        var result = result
        result.build = oldID
        return result
    }
    let (_, recordResults) = try timed { try store.recordResults(results) }
    let setup = [("recordBuild, old build", recordOld),
                 ("recordBuild, new build (\(workload.changed.count) functions changed)", recordNew),
                 ("recordResults, \(options.tests) results, one transaction", recordResults)]
    // What SelectionLoader reads: every last result, then each recorded build.
    func load() throws -> SelectionInput {
        let results = try store.lastResults()
        return input(.block, results: results, recorded: try recordedBuilds(store, of: results))
    }
    // The loaded input must select exactly what the in-memory one did.
    let check = Selector.select(try load())
    if let expected = selectedCounts[.block], check.selected.count != expected {
        fail("\(name): after the store round trip block grain selects \(check.selected.count) tests, in memory \(expected)")
    }
    var loads: [Double] = [], both: [Double] = []
    for _ in 0..<options.repeats {
        let (_, loadSeconds) = try timed { try load() }
        loads.append(loadSeconds)
        let (_, bothSeconds) = try timed { Selector.select(try load()) }
        both.append(bothSeconds)
    }
    return RoundTrip(name: name, load: Stats(loads), loadSelect: Stats(both), setup: setup, note: note())
}

var trips: [RoundTrip] = []
if options.store {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("trim-bench-selection-\(getpid())-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
        let path = directory.appendingPathComponent("trim.db")
        trips.append(try roundTrip("SQLite", try TrimStore(path: path)) {
            var bytes = 0
            for suffix in ["", "-wal"] {
                bytes += (try? FileManager.default.attributesOfItem(atPath: path.path + suffix)[.size] as? Int) ?? 0
            }
            return "database: \(bytes / 1024) KiB with its WAL"
        })
        if let server = options.server {
            let url = try PostgresURL(parsing: server)
            let store = try PostgresStore(url: url)
            trips.append(try roundTrip("PostgreSQL", store) { "server: \(url.redacted)" })
        }
    } catch {
        fail("store: \(error)")
    }
}

print()
print("  " + "milliseconds (over \(options.repeats) runs)".padding(toLength: 58, withPad: " ", startingAt: 0)
      + "   median      min      max")
func row(_ label: String, _ s: Stats) {
    print("  " + label.padding(toLength: 58, withPad: " ", startingAt: 0) + " " + ms(s.median) + " " + ms(s.min) + " " + ms(s.max))
}
for grain in grains {
    row("select, \(grain.rawValue) grain (\(selectedCounts[grain]!) of \(options.tests) selected)", selectStats[grain]!)
}
for trip in trips {
    row("\(trip.name) load: lastResults, build, modules, sourceFiles", trip.load)
    row("\(trip.name) load + select, block grain", trip.loadSelect)
    for (label, seconds) in trip.setup {
        print("  " + "(setup) \(label)".padding(toLength: 58, withPad: " ", startingAt: 0) + " " + ms(seconds))
    }
    print("  (\(trip.note))")
}

print()
print("  target (median; min-based)" + String(repeating: " ", count: 31) + "   value      min    limit  verdict")
func verdictRow(_ label: String, _ s: Stats) {
    let ratio = s.median / target, ratioMin = s.min / target
    print("  " + label.padding(toLength: 58, withPad: " ", startingAt: 0)
          + String(format: " %7.2fx %7.2fx %7.2fx  %@", ratio, ratioMin, 1.0, (s.median <= target ? "PASS" : "MISS") as NSString)
          + String(format: "   (%.1f ms / 100 ms)", s.median * 1000))
}
for grain in grains { verdictRow("select, \(grain.rawValue) grain / 100 ms", selectStats[grain]!) }
for trip in trips { verdictRow("\(trip.name) load + select, block grain / 100 ms (not the target)", trip.loadSelect) }
if trips.count == 2 {
    let ratio = trips[1].loadSelect.median / trips[0].loadSelect.median
    print("  " + "PostgreSQL / SQLite, load + select (median)".padding(toLength: 58, withPad: " ", startingAt: 0)
          + String(format: " %7.2fx", ratio))
}
