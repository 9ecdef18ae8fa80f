import BlockIR
import Foundation
import Store
import TrimModel

/// One test's last recorded result, reduced to what editors show.
public struct TestCoverage: Sendable {
    public var key: TestKey
    public var outcome: Outcome
    public var duration: Double
    public var coverage: CoverageState
    /// Workspace files (relative to the root) → the lines the test executed.
    public var lines: [String: Set<UInt32>]
    /// The `#[test]` function itself, when its blocks were recorded.
    public var function: FunctionSite?
    public var output: String?
}

/// A function as debug info places it.
public struct FunctionSite: Hashable, Sendable {
    /// Relative to the workspace root.
    public var file: String
    public var line: UInt32
    /// Demangled, hash suffix removed, e.g. `shop::cart::Cart::total`.
    public var name: String
}

/// Which tests executed which lines and functions, from the store's last
/// results and the recorded builds' fingerprints (one load, then queries).
public struct CoverageIndex: Sendable {
    public var root: String
    public var tests: [TestKey: TestCoverage]
    /// File → line → the tests that executed it.
    public var testsByLine: [String: [UInt32: Set<TestKey>]]
    /// Each function tests executed → those tests.
    public var testsByFunction: [FunctionSite: Set<TestKey>]

    /// `trimTarget`: `<target>/trim`, where the instrumented build's bitcode is.
    public static func load(store: any CoverageStore, trimTarget: URL, workspaceRoot: String) throws(EditorError)
        -> CoverageIndex
    {
        try load(store: store, workspaceRoot: workspaceRoot, resolver: BlockLineResolver(trimTarget: trimTarget))
    }

    /// With a resolver kept between loads (the language server's), so bitcode
    /// already read is not read again.
    /// `mapping`: whose hits are mapped to lines and functions (every test's
    /// by default); the others keep only their outcome.
    static func load(store: any CoverageStore, workspaceRoot: String, resolver: BlockLineResolver,
                     mapping: (TestResultRecord) -> Bool = { _ in true }) throws(EditorError) -> CoverageIndex
    {
        let results: [TestKey: TestResultRecord]
        do { results = try store.lastResults() } catch { throw .store("\(error)") }
        let paths = WorkspacePaths(root: workspaceRoot)
        var modulesByBuild: [BuildID: [String: ModuleRecord]] = [:]
        var index = CoverageIndex(root: paths.root, tests: [:], testsByLine: [:], testsByFunction: [:])
        func modules(of build: BuildID) -> [String: ModuleRecord] {
            if let known = modulesByBuild[build] { return known }
            let modules = (try? store.modules(of: build)) ?? []
            let byPath = Dictionary(modules.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            modulesByBuild[build] = byPath
            return byPath
        }
        // Every module a hit is in, read at once before the hits are mapped one by one.
        var hitModules: [String: ModuleRecord] = [:]
        for record in results.values where mapping(record) {
            let known = modules(of: record.build)
            for hit in record.hits { if let module = known[hit.module] { hitModules[module.contentHash] = module } }
        }
        resolver.prefetch(Array(hitModules.values))
        for record in results.values.sorted(by: { $0.key < $1.key }) {
            var test = TestCoverage(key: record.key, outcome: record.outcome, duration: record.duration,
                                    coverage: record.coverage, lines: [:], function: nil, output: record.output)
            guard mapping(record) else {
                index.tests[record.key] = test
                continue
            }
            let modules = modules(of: record.build)
            var functionsBySymbol: [String: [String: FunctionFingerprint]] = [:]
            for hit in record.hits {
                guard let module = modules[hit.module] else { continue }
                if functionsBySymbol[hit.module] == nil {
                    functionsBySymbol[hit.module] = Dictionary(
                        module.fingerprint.functions.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
                }
                // libtest's generated main: every test runs it; it says nothing about one.
                guard let function = functionsBySymbol[hit.module]?[hit.symbol], !function.isTestHarnessMain
                else { continue }
                for line in try resolver.lines(of: function, blocks: hit.blocks, in: module) {
                    guard let file = paths.relative(line.file) else { continue }
                    test.lines[file, default: []].insert(line.line)
                }
                if let file = function.file.flatMap(paths.relative), function.line != 0 {
                    let site = FunctionSite(file: file, line: function.line, name: Self.plainName(function.demangled))
                    index.testsByFunction[site, default: []].insert(record.key)
                    if site.name == record.key.name || site.name.hasSuffix("::" + record.key.name) {
                        test.function = site
                    }
                }
            }
            for (file, lines) in test.lines {
                for line in lines { index.testsByLine[file, default: [:]][line, default: []].insert(record.key) }
            }
            index.tests[record.key] = test
        }
        return index
    }

    /// `shop::cart::total::h0123456789abcdef` → `shop::cart::total`.
    static func plainName(_ demangled: String) -> String {
        guard let range = demangled.range(of: "::h", options: .backwards),
            demangled[range.upperBound...].count == 16,
            demangled[range.upperBound...].allSatisfy(\.isHexDigit)
        else { return demangled }
        return String(demangled[..<range.lowerBound])
    }

    /// The tests that executed `line` of `file` (relative to the root).
    public func tests(executing file: String, line: UInt32) -> [TestCoverage] {
        (testsByLine[file]?[line] ?? []).sorted().compactMap { tests[$0] }
    }

    /// Each executed line of `file` → the tests that executed it.
    public func lines(of file: String) -> [(line: UInt32, tests: [TestCoverage])] {
        (testsByLine[file] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value.sorted().compactMap { tests[$0] }) }
    }

    /// The recorded test `text` names: `BINARY NAME` exactly, or a name (or a
    /// `::`-suffix of one) that only one test has.
    public func test(named text: String) throws(EditorError) -> TestCoverage {
        let keys = tests.keys.sorted()
        if let exact = keys.first(where: { $0.description == text }) { return tests[exact]! }
        let byName = keys.filter { $0.name == text }
        let matches = byName.isEmpty ? keys.filter { $0.name.hasSuffix("::" + text) } : byName
        if matches.count == 1 { return tests[matches[0]]! }
        if matches.count > 1 { throw .ambiguousTest(text, matches: matches.map(\.description)) }
        throw .unknownTest(text, candidates: keys.filter { $0.name.contains(text) }.map(\.description))
    }

    /// Files with executed lines, sorted.
    public var files: [String] { testsByLine.keys.sorted() }
}

/// Debug info's file names against the workspace: a relative name is
/// resolved against the root (rustc is given member paths relative to it)
/// and counts when that file exists; an absolute one counts inside the root.
public struct WorkspacePaths: Sendable {
    public var root: String

    public init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
    }

    public func relative(_ file: String) -> String? {
        let absolute = file.hasPrefix("/") ? file : root + "/" + file
        guard let relative = URL(fileURLWithPath: absolute).standardizedFileURL.path.dropPrefix(root + "/") else {
            return nil
        }
        if !file.hasPrefix("/") && !FileManager.default.fileExists(atPath: root + "/" + relative) { return nil }
        return relative
    }

    public func absolute(_ relative: String) -> String { root + "/" + relative }
}

extension String {
    func dropPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
