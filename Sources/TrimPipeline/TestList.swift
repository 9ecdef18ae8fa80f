import CargoSupport
import Foundation
import Selection
import Store
import TestFilter
import TrimModel

/// Everything `trim list --message-format json` tells: each test binary and
/// its tests, whether the filters admit each test (and if not, why, in
/// nextest's terms), its last recorded outcome and whether `trim run` with
/// the same options would run it.
public struct TestList: Sendable {
    public struct Suite: Sendable {
        public var binaryID: String
        public var binaryName: String
        public var package: String
        /// cargo's package id spec, `path+file://<dir>#<name>@<version>`.
        public var packageID: String
        public var kind: String
        /// nil for a package's doctests (they have no binary of their own).
        public var binaryPath: String?
        /// Where its tests run.
        public var directory: String
        public var cases: [Case]
    }

    public struct Case: Sendable {
        public var name: String
        public var ignored: Bool
        public var filterMatch: FilterMatch
        /// The last recorded outcome (`passed`, `failed`, …), nil when none.
        public var lastOutcome: String?
        /// Whether `trim run` with the same options would run it now (the
        /// filters admit it and selection picks it).
        public var selected: Bool
        /// Why selection picks it (empty when it does not).
        public var reasons: [Reason]
    }

    /// nextest's `filter-match`: why a test the filters leave out is left out.
    public enum FilterMatch: Sendable, Equatable {
        case matches
        case mismatch(MismatchReason)
    }

    public enum MismatchReason: String, Sendable {
        /// `--run-ignored` leaves it out.
        case ignored
        /// The name filters (`NAME...`, `--exact`, `--skip`).
        case string
        /// The `-E` expressions.
        case expression
        /// Another partition's.
        case partition
    }

    /// trim's build directory (`<target>/trim`).
    public var targetDirectory: String
    /// Where under it the test binaries are, e.g. `debug`.
    public var baseOutputDirectories: [String]
    public var granularity: Granularity
    public var suites: [Suite]
}

extension TestList.FilterMatch {
    /// nextest's order: the ignored rule, then names, then expressions, then the partition.
    static func of(_ test: FilterableTest, filter: TestSelectionFilter, inPartition: Bool) -> Self {
        if !filter.runIgnored.admits(ignored: test.ignored) { return .mismatch(.ignored) }
        if !filter.names.matches(test.name) { return .mismatch(.string) }
        if !filter.expressions.isEmpty && !filter.expressions.contains(where: { $0.matches(test) }) {
            return .mismatch(.expression)
        }
        return inPartition ? .matches : .mismatch(.partition)
    }
}

extension RunPipeline {
    /// Builds, lists every test, and says of each whether the filters admit
    /// it and whether it would run: `trim plan` over the whole list. Records
    /// nothing.
    public static func testList(_ request: RunRequest) throws(TrimError) -> TestList {
        try SignalWatch.guarding { signals throws(TrimError) in try testList(request, signals: signals) }
    }

    static func testList(_ request: RunRequest, signals: SignalWatch) throws(TrimError) -> TestList {
        let build = try WorkspaceBuild.make(for: request, command: "list", signals: signals)
        defer { build.session.close() }
        let listed = try build.listTests(jobs: request.workspace.jobs)
        let doctests = try DoctestSuite.make(build: build, request: request)
        let binaries = Dictionary(uniqueKeysWithValues: build.binaries.map { ($0.id, $0) })
        let all = listed.compactMap { test in binaries[test.binary].map { $0.filterable(test) } } + doctests.filterable
        let candidates = candidates(listed, doctests: doctests, build: build, request: request)
        let inPartition = Set(candidates)
        let store = try build.openStore()
        let configuration = try request.configuration(workspaceRoot: build.workspace.root)
        let input = try SelectionLoader.input(
            store: store, build: build, tests: candidates.map { TestKey(binary: $0.binary, name: $0.name) },
            granularity: request.granularity, force: request.force, configuration: configuration,
            crateDigests: doctests.keyDigests)
        let selection = Selector.select(input)
        let reasons = Dictionary(selection.selected.map { ($0.key, $0.reasons) }, uniquingKeysWith: { a, _ in a })
        let packages = Dictionary(build.workspace.packages.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

        var suites: [String: TestList.Suite] = [:]
        var order: [String] = []
        for test in all {
            if suites[test.binary] == nil {
                let binary = binaries[test.binary]
                let package = packages[test.package]
                let directory = binary?.packageDirectory ?? package?.directory ?? build.workspace.root
                suites[test.binary] = TestList.Suite(
                    binaryID: test.binary, binaryName: test.binaryName, package: test.package,
                    packageID: "path+file://\(directory)#\(test.package)@\(package?.version ?? "0.0.0")",
                    kind: test.kind, binaryPath: binary?.executable, directory: directory, cases: [])
                order.append(test.binary)
            }
            let key = TestKey(binary: test.binary, name: test.name)
            let match = TestList.FilterMatch.of(test, filter: request.filter, inPartition: inPartition.contains(test))
            suites[test.binary]!.cases.append(TestList.Case(
                name: test.name, ignored: test.ignored, filterMatch: match,
                lastOutcome: input.results[key]?.outcome.rawValue,
                selected: match == .matches && reasons[key] != nil, reasons: reasons[key] ?? []))
        }
        let root = build.paths.targetDirectory.path
        let bases = Set(build.binaries.compactMap { binary -> String? in
            guard binary.executable.hasPrefix(root + "/") else { return nil }
            return binary.executable.dropFirst(root.count + 1).split(separator: "/").first.map(String.init)
        })
        return TestList(targetDirectory: root, baseOutputDirectories: bases.sorted(),
                        granularity: request.granularity, suites: order.compactMap { suites[$0] })
    }
}
