import Foundation
import Store
import Testing
import TrimModel
@testable import TrimPipeline

/// Results committed in groups into a real SQLite file: every result handed
/// over is committed (within the delay, or at `flush`), with its hits and
/// inputs; a result the store refuses costs no other result its place.
@Suite struct GroupCommitTests {
    static let facts = BuildFacts(toolchain: "rustc 1.95.0", rustflags: "", profile: "test", features: [])

    static func scratchStore() throws -> (TrimStore, URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-group-\(UUID().uuidString)")
        let store = try TrimStore(path: root.appendingPathComponent("trim.db"))
        return (store, root)
    }

    static func result(_ n: Int, build: BuildID) -> TestResultRecord {
        TestResultRecord(key: TestKey(binary: "bin", name: "t\(n)"), build: build, outcome: n % 7 == 0 ? .failed : .passed,
                         duration: Double(n) / 1000, coverage: .complete,
                         hits: [HitFunction(module: "m", symbol: "f\(n % 13)", blocks: [0, UInt32(n % 5 + 1)])],
                         output: n % 7 == 0 ? "failed \(n)" : nil)
    }

    @Test func everyResultHandedOverIsCommittedWithItsHitsAndInputs() throws {
        let (store, root) = try Self.scratchStore()
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try store.recordBuild(Self.facts, modules: [])
        let commits = GroupCommit(store: store, warn: { Issue.record("warned: \($0)") })
        for n in 0..<500 {
            commits.add(Self.result(n, build: build),
                        inputs: n % 2 == 0 ? TestInputs(files: ["data/\(n).txt": "h\(n)"]) : nil)
        }
        #expect(commits.flush() == nil)
        let results = try store.lastResults()
        #expect(results.count == 500)
        for n in 0..<500 {
            let expected = Self.result(n, build: build)
            let stored = try #require(results[expected.key])
            #expect(stored.outcome == expected.outcome && stored.hits == expected.hits && stored.output == expected.output)
            #expect(try store.inputs(for: expected.key)?.files == (n % 2 == 0 ? ["data/\(n).txt": "h\(n)"] : nil))
        }
    }

    @Test func aResultIsCommittedWithinTheDelayWithoutAFlush() throws {
        let (store, root) = try Self.scratchStore()
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try store.recordBuild(Self.facts, modules: [])
        let commits = GroupCommit(store: store, delay: .milliseconds(20), warn: { Issue.record("warned: \($0)") })
        commits.add(Self.result(1, build: build), inputs: nil)
        let reader = try TrimStore(path: root.appendingPathComponent("trim.db"))  // another connection, as the next trim
        let deadline = Date().addingTimeInterval(10)
        while try reader.lastResults().isEmpty && Date() < deadline { usleep(5_000) }
        #expect(try reader.lastResults().count == 1, "nothing flushed it, only the delay")
        #expect(commits.flush() == nil)
    }

    /// Once every test has started (`hurry`), what waits is committed at
    /// once and each later result without waiting out the delay.
    @Test func hurriedResultsAreCommittedWithoutTheDelay() throws {
        let (store, root) = try Self.scratchStore()
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try store.recordBuild(Self.facts, modules: [])
        let commits = GroupCommit(store: store, delay: .seconds(60), warn: { Issue.record("warned: \($0)") })
        let reader = try TrimStore(path: root.appendingPathComponent("trim.db"))  // another connection, as the next trim
        func committed(_ count: Int) throws -> Bool {
            let deadline = Date().addingTimeInterval(10)
            while try reader.lastResults().count < count && Date() < deadline { usleep(2_000) }
            return try reader.lastResults().count == count
        }
        commits.add(Self.result(1, build: build), inputs: nil)
        usleep(50_000)
        #expect(try reader.lastResults().isEmpty, "waiting out its group's minute")
        commits.hurry()
        #expect(try committed(1), "what waited is committed when hurried")
        commits.add(Self.result(2, build: build), inputs: nil)
        commits.add(Self.result(3, build: build), inputs: nil)
        #expect(try committed(3), "later results do not wait for the delay")
        #expect(commits.flush() == nil)
    }

    @Test func aResultTheStoreRefusesCostsTheOthersNothing() throws {
        let (store, root) = try Self.scratchStore()
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try store.recordBuild(Self.facts, modules: [])
        let commits = GroupCommit(store: store, delay: .seconds(60), warn: { Issue.record("warned: \($0)") })
        commits.add(Self.result(1, build: build), inputs: nil)
        commits.add(Self.result(2, build: BuildID(build.rawValue + 99)), inputs: nil)  // no such build
        commits.add(Self.result(3, build: build), inputs: nil)
        let failure = commits.flush()
        guard case .unknownBuild(_, let missing) = failure else {
            Issue.record("expected the unknown build to be reported, got \(String(describing: failure))")
            return
        }
        #expect(missing.rawValue == build.rawValue + 99)
        let results = try store.lastResults()
        #expect(Set(results.keys.map(\.name)) == ["t1", "t3"])
    }
}
