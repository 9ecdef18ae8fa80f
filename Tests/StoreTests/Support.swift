import BlockIR
import Foundation
import Store
import Testing
import TrimModel
import ProcessSpawn

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private temporary directory per test (removed when the test process
/// exits); the store file lives inside it.
struct Scratch {
    let root: URL

    init(_ name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("trim-store-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        ScratchCleanup.shared.add(root)
    }

    /// Nested on purpose: `TrimStore.init` must create the directories.
    var database: URL { root.appendingPathComponent("state/trim/trim.sqlite") }

    func open() throws -> TrimStore { try TrimStore(path: database) }
}

/// Removes every scratch directory at exit (a test's store may still be open
/// when its `Scratch` value is gone, so not earlier).
final class ScratchCleanup: @unchecked Sendable {
    static let shared: ScratchCleanup = {
        atexit { ScratchCleanup.shared.removeAll() }
        return ScratchCleanup()
    }()

    private let lock = NSLock()
    private var roots: [URL] = []

    func add(_ root: URL) {
        lock.lock()
        roots.append(root)
        lock.unlock()
    }

    func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        for root in roots { try? FileManager.default.removeItem(at: root) }
        roots = []
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// Two tiny Rust crates compiled by the real rustc and fingerprinted through
/// the real worker, once per test process. `alpha2` is `alpha1` with one
/// operator changed in `step`.
struct RustFixtures: Sendable {
    let alpha1: ModuleRecord
    let alpha2: ModuleRecord
    let beta: ModuleRecord

    static let shared: Result<RustFixtures, FixtureError> = {
        do {
            return .success(try RustFixtures())
        } catch {
            return .failure(FixtureError(description: "building the Rust fixtures: \(error)"))
        }
    }()

    static func get() throws -> RustFixtures { try shared.get() }

    static let alphaSource = """
        pub struct Account { pub balance: i64, pub limit: i64 }

        pub fn step(x: i64) -> i64 {
            if x > 10 { x * 2 } else { x + 1 }
        }

        pub fn apply(account: &mut Account, amount: i64) -> Result<(), String> {
            if account.balance + amount < -account.limit {
                return Err(format!("over limit by {}", -(account.balance + amount) - account.limit));
            }
            account.balance += amount;
            Ok(())
        }

        pub fn total(xs: &[i64]) -> i64 {
            let mut sum = 0;
            for x in xs { sum += step(*x); }
            sum
        }

        pub fn describe(a: &Account) -> String {
            format!("balance {} (limit {})", a.balance, a.limit)
        }

        pub static GREETING: &str = "hello";
        """

    static let betaSource = """
        pub fn parse(s: &str) -> Option<u32> {
            let mut n: u32 = 0;
            for c in s.chars() {
                let d = c.to_digit(10)?;
                n = n.checked_mul(10)?.checked_add(d)?;
            }
            Some(n)
        }

        pub fn shout(s: &str) -> String { s.to_uppercase() }
        """

    init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-store-rust-\(UUID().uuidString)")
        let fingerprinter = Fingerprinter(cache: FingerprintCache(directory: root.appendingPathComponent("cache")),
                                          reader: try IsolatedReader())
        func build(_ name: String, crate: String, _ source: String) throws -> ModuleRecord {
            let dir = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("src"), withIntermediateDirectories: true)
            try source.write(to: dir.appendingPathComponent("src/lib.rs"), atomically: true, encoding: .utf8)
            let output = dir.appendingPathComponent("\(crate).bc").path
            try run("rustc", ["--edition", "2021", "--crate-type", "lib", "--crate-name", crate, "-g",
                              "--emit=llvm-bc", "-o", output, "src/lib.rs"], in: dir)
            let file = try BitcodeFile(path: output)
            // As a build records it: references folded across the build (here,
            // the crate alone), and no debug-info name hash (it serves only
            // that fold, and the store does not keep it).
            let key = "\(crate).bc"
            var fingerprint = CrossCrateFold.resolve([key: try fingerprinter.fingerprint(file)])[key]!
            for i in fingerprint.functions.indices { fingerprint.functions[i].nameHash = 0 }
            return ModuleRecord(path: key, contentHash: file.contentHash, fingerprint: fingerprint)
        }
        alpha1 = try build("alpha1", crate: "alpha", Self.alphaSource)
        alpha2 = try build("alpha2", crate: "alpha",
                           Self.alphaSource.replacingOccurrences(of: "x + 1 }", with: "x - 1 }"))
        beta = try build("beta", crate: "beta", Self.betaSource)
        try? FileManager.default.removeItem(at: root)
    }
}

func run(_ tool: String, _ arguments: [String], in dir: URL) throws {
    let finished = try ChildProcess.run("/usr/bin/env", [tool] + arguments, directory: dir.path, stdout: .inherit)
    guard finished.status == 0 else {
        let message = String(decoding: finished.stderr, as: UTF8.self)
        throw FixtureError(description: "\(tool) \(arguments.joined(separator: " ")) failed:\n\(message)")
    }
}

func facts(_ n: Int, commit: String? = "0123456789abcdef0123456789abcdef01234567", dirty: Bool? = false) -> BuildFacts {
    BuildFacts(toolchain: "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nLLVM version: 22.1.2",
               rustflags: "--emit=llvm-bc,link -C passes=sancov-module", profile: "test",
               features: ["default", "serde", "f\(n)"], gitCommit: commit, gitDirty: dirty,
               createdAt: Date(timeIntervalSince1970: 1_770_000_000 + Double(n)))
}

/// Fingerprints made by hand, shaped like rustc's (several blocks, a few
/// files, successors, coverage slots), for the scale benchmark and edge cases.
enum Synthetic {
    static func module(name: String, functions count: Int, variant: Int = 0) -> ModuleFingerprint {
        let files = (0..<8).map { "src/\(name)/file\($0).rs" }
        let functions = (0..<count).map { i in function(index: i, files: files.count, variant: variant) }
        return ModuleFingerprint(sourceFilename: "src/\(name)/lib.rs", files: files, functions: functions,
                                 globals: ["_ZN\(name)6GLOBAL17h0123456789abcdefE": 0xDEAD_BEEF, "other": 7])
    }

    static func symbol(_ i: Int) -> String {
        i < symbols.count ? symbols[i] : makeSymbol(i)
    }

    static let symbols = (0..<4_096).map(makeSymbol)

    static func makeSymbol(_ i: Int) -> String {
        "_ZN6ledger7balance8function\(i)17h\(String(UInt64(i) &* 0x9E37_79B9_7F4A_7C15 | 1 << 63, radix: 16))E"
    }

    static func function(index i: Int, files: Int, variant: Int = 0) -> FunctionFingerprint {
        let blockCount = 4 + i % 13
        let blocks = (0..<blockCount).map { b in
            BlockFingerprint(hash: UInt64(truncatingIfNeeded: (i &* 7919 &+ b &* 104_729) ^ (variant << 40)),
                             successors: b + 1 < blockCount ? [UInt32(b + 1)] + (b % 3 == 0 && b + 2 < blockCount ? [UInt32(b + 2)] : []) : [],
                             file: b % 5 == 4 ? nil : UInt32((i + b) % files), line: UInt32(10 + b * 2),
                             instructionCount: UInt32(3 + b % 7),
                             externalGlobals: b % 6 == 5 ? ["_ZN4core3fmt9Arguments6new_v117h0000000000000000E"] : [])
        }
        return FunctionFingerprint(symbol: symbol(i), demangled: "ledger::balance::function\(i)",
                                   file: "src/balance.rs", line: UInt32(i), isTestHarnessMain: false,
                                   blocks: blocks, coverageBlocks: (0..<UInt32(blockCount)).map { $0 })
    }

    /// A test's hits: `functions` functions of the synthetic module, a few blocks each.
    static func hits(test t: Int, functions: Int, outOf total: Int, module: String) -> [HitFunction] {
        (0..<functions).map { k in
            let f = (t &* 31 &+ k &* 97) % total
            let blocks = 4 + f % 13
            return HitFunction(module: module, symbol: symbol(f),
                               blocks: (0..<UInt32(blocks)).filter { ($0 + UInt32(t)) % 3 != 0 })
        }
    }
}

/// SQLite's C API, loaded at run time: stands for another program (or a newer
/// trim) touching the database file behind the store's back. The test target
/// depends on Store and BlockIR only, so GRDB is not used here.
final class RawSQLite {
    private typealias Open = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<OpaquePointer?>) -> Int32
    private typealias Row = @convention(c) (UnsafeMutableRawPointer?, Int32,
                                            UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                            UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    private typealias Exec = @convention(c) (OpaquePointer?, UnsafePointer<CChar>, Row?, UnsafeMutableRawPointer?,
                                             UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    private typealias Close = @convention(c) (OpaquePointer?) -> Int32
    private typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void

    private let open: Open
    private let exec: Exec
    private let close: Close
    private let free: Free
    private var db: OpaquePointer?

    init(path: String) throws {
        guard let library = dlopen("libsqlite3.so.0", RTLD_NOW) ?? dlopen("libsqlite3.dylib", RTLD_NOW) else {
            throw FixtureError(description: "cannot load libsqlite3")
        }
        func symbol<T>(_ name: String, as: T.Type) throws -> T {
            guard let pointer = dlsym(library, name) else { throw FixtureError(description: "no \(name) in libsqlite3") }
            return unsafeBitCast(pointer, to: T.self)
        }
        open = try symbol("sqlite3_open", as: Open.self)
        exec = try symbol("sqlite3_exec", as: Exec.self)
        close = try symbol("sqlite3_close", as: Close.self)
        free = try symbol("sqlite3_free", as: Free.self)
        guard open(path, &db) == 0 else { throw FixtureError(description: "sqlite3_open \(path) failed") }
    }

    /// The rows of a query whose columns are all integers.
    func integers(_ sql: String) throws -> [[Int64]] {
        final class Rows { var all: [[Int64]] = [] }
        let rows = Rows()
        let collect: Row = { context, count, values, _ in
            let rows = Unmanaged<Rows>.fromOpaque(context!).takeUnretainedValue()
            rows.all.append((0..<Int(count)).map { values?[$0].flatMap { Int64(String(cString: $0)) } ?? 0 })
            return 0
        }
        try withExtendedLifetime(rows) {
            try execute(sql, row: collect, context: Unmanaged.passUnretained(rows).toOpaque())
        }
        return rows.all
    }

    func execute(_ sql: String) throws { try execute(sql, row: nil, context: nil) }

    private func execute(_ sql: String, row: Row?, context: UnsafeMutableRawPointer?) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = exec(db, sql, row, context, &message)
        if code != 0 {
            let text = message.map { String(cString: $0) } ?? "code \(code)"
            free(message)
            throw FixtureError(description: "sqlite3_exec \(sql): \(text)")
        }
    }

    func closeConnection() {
        _ = close(db)
        db = nil
    }

    deinit {
        if db != nil { _ = close(db) }
    }
}

/// Elapsed wall-clock seconds of `body`.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}
