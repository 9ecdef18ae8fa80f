import BlockIR
import Foundation
import Selection
import Store
import Testing
import TrimModel
import ProcessSpawn

/// The module indexes selection looks everything up in, on real rustc
/// bitcode of one test crate with hundreds of tests (the suite-size
/// benchmark's crate, Benchmarks/suite-size): each answer must be the one the
/// linear definition gives (a scan of the module's functions or descriptors).
@Suite struct BuildIndexTests {
    static let count = 300
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The crate with `count` tests, compiled as rustc compiles a test binary
    /// (`--test`), to bitcode, with `metadata` as cargo's `-C metadata` (it
    /// moves every symbol's hash); fingerprinted by the real worker.
    static func testModule(metadata: String) throws -> ModuleFingerprint {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-index-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let template = repository.appendingPathComponent("Benchmarks/suite-size")
        try FileManager.default.copyItem(at: template.appendingPathComponent("crate"), to: directory)
        try run(template.appendingPathComponent("generate-cases.sh").path, ["\(count)"], in: directory,
                stdout: directory.appendingPathComponent("src/cases.rs"))
        let bitcode = directory.appendingPathComponent("suite.bc")
        try run("/usr/bin/env", ["rustc", "--edition", "2021", "--crate-name", "suite", "--test", "-g",
                                 "-C", "metadata=\(metadata)", "--emit=llvm-bc", "-o", bitcode.path, "src/lib.rs"],
                in: directory)
        let cache = FingerprintCache(directory: directory.appendingPathComponent("cache"))
        return try Fingerprinter(cache: cache, reader: try IsolatedReader()).fingerprint(try BitcodeFile(path: bitcode.path))
    }

    /// Compiled once for every test of the suite (each compile takes seconds).
    static let builtOne = Result { try testModule(metadata: "one") }
    static let builtTwo = Result { try testModule(metadata: "two") }

    static func run(_ executable: String, _ arguments: [String], in directory: URL, stdout: URL? = nil) throws {
        let finished = try ChildProcess.run(executable, arguments, directory: directory.path)
        guard finished.status == 0 else {
            let message = String(decoding: finished.stderr, as: UTF8.self)
            throw CommandFailed(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(message)")
        }
        if let stdout { try finished.stdout.write(to: stdout) }
    }

    @Test func answersAsTheLinearScansDo() throws {
        let module = try Self.builtOne.get()
        let index = ModuleIndex(module)
        #expect(module.functions.count > Self.count)

        let mains = module.functions.filter(\.isTestHarnessMain)
        #expect(!mains.isEmpty)
        for function in module.functions {
            let isMain = module.functions.contains { $0.isTestHarnessMain && $0.symbol == function.symbol }
            #expect(index.functions.isHarnessMain(symbol: function.symbol) == isMain)
            if !isMain { #expect(index.functions.function(symbol: function.symbol) == function) }
        }
        #expect(index.functions.function(symbol: mains[0].symbol) == nil, "the harness main is never a plain function")
        #expect(!index.functions.isHarnessMain(symbol: "_ZN5suite4main17h0000000000000000E"))

        let names = (1...Self.count).map { "cases::case_" + String(format: "%05d", $0) }
            + ["panics::ratio_by_zero_panics", "divide by zero", "src/lib.rs", "src/cases.rs", "no::such::test"]
        for name in names {
            #expect(index.descriptorDigests[test: name] == module.descriptorDigest(ofTest: name), "\(name)")
        }
        #expect(index.descriptorDigests[test: "cases::case_00001"] != nil)
        #expect(index.descriptorDigests[test: "no::such::test"] == nil)
    }

    /// Another `-C metadata` changes every symbol's hash: each function is
    /// found again by its hash-free name, with the same content.
    @Test func findsEveryCounterpartWhenTheSymbolHashesMove() throws {
        let old = ModuleIndex(try Self.builtOne.get())
        let new = ModuleIndex(try Self.builtTwo.get())
        var moved = 0
        for function in old.fingerprint.functions where !function.isTestHarnessMain {
            let counterpart = try #require(new.functions.counterpart(of: function, in: old.functions),
                                           "\(function.demangled) has no counterpart")
            #expect(SymbolNames.withoutHash(counterpart.symbol) == SymbolNames.withoutHash(function.symbol))
            #expect(counterpart.hasSameContent(as: function), "\(function.demangled)")
            if counterpart.symbol != function.symbol { moved += 1 }
        }
        #expect(moved > Self.count, "the symbol hashes moved")
    }

    @Test func indexesEachModuleOnceAndOnlyModulesItHas() throws {
        let module = try Self.builtOne.get()
        let build = BuildIndex(BuildSnapshot(
            facts: BuildFacts(toolchain: "rustc", rustflags: "", profile: "test", features: [], gitCommit: nil,
                              gitDirty: nil),
            modules: ["suite.bc": module]))
        let first = try #require(build.module("suite.bc"))
        #expect(build.module("suite.bc") === first)
        #expect(first.functions === first.functions && first.descriptorDigests === first.descriptorDigests)
        #expect(build.module("other.bc") == nil)
    }
}

struct CommandFailed: Error, CustomStringConvertible {
    var description: String
}
