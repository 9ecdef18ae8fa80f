import BlockIR
import Foundation
import Store
import Testing
import TrimModel
@testable import TrimPipeline

/// The builds the last results ran on, as `trim run` reads them while cargo
/// builds (`WarmState.recordedBuilds`): each build's modules with their
/// function indexes, one index for a module several builds hold.
@Suite struct RecordedBuildsTests {
    static func facts(_ minute: Int) -> BuildFacts {
        BuildFacts(toolchain: "rustc 1.95.0", rustflags: "", profile: "dev", features: [], gitCommit: nil,
                   gitDirty: nil, createdAt: Date(timeIntervalSince1970: 1_770_000_000 + Double(minute) * 60))
    }

    @Test func aModuleSeveralBuildsHoldIsIndexedOnceAndAnEditedOneApart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recorded-builds-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try TrimStore(path: directory.appendingPathComponent("trim.db"))
        let library = CrateUnitsTests.unit("lib", ["add", "sub", "mul"])
        let edited = CrateUnitsTests.unit("lib", ["add", "sub", "div"])
        let tests = CrateUnitsTests.unit("tests", ["t1", "t2"])
        let record = { (path: String, hash: String, module: ModuleFingerprint) in
            ModuleRecord(path: path, contentHash: hash, fingerprint: module)
        }
        // The same library from other unit bytes (a fresh build, then an incremental one), then edited.
        let first = try store.recordBuild(Self.facts(1), modules: [record("lib.bc", "fresh", library),
                                                                   record("tests.bc", "t", tests)])
        let second = try store.recordBuild(Self.facts(2), modules: [record("lib.bc", "incremental", library),
                                                                    record("tests.bc", "t", tests)])
        let third = try store.recordBuild(Self.facts(3), modules: [record("lib.bc", "edited", edited),
                                                                   record("tests.bc", "t", tests)])

        let builds = try WarmState().recordedBuilds([first, second, third], in: store)
        let indexes = try [first, second, third].map { id in try #require(builds[id]).functionIndexes }
        #expect(indexes[0]["lib.bc"] === indexes[1]["lib.bc"])
        #expect(indexes[0]["lib.bc"] !== indexes[2]["lib.bc"])
        #expect(indexes[0]["tests.bc"] === indexes[2]["tests.bc"])
        // Each index is of the very module its build holds under that key.
        for (id, build) in builds {
            for (key, module) in build.modules {
                let index = try #require(build.functionIndexes[key], "\(id) \(key)")
                #expect(index.module == module)
                for (position, function) in module.functions.enumerated() {
                    #expect(index.index(symbol: function.symbol) == position)
                }
            }
        }
        #expect(builds[third]?.modules["lib.bc"] == edited)
        #expect(builds[first]?.moduleContent["lib.bc"] == "fresh")
        #expect(builds[second]?.moduleContent["lib.bc"] == "incremental")
    }
}
