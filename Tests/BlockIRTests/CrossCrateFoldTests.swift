import BlockIR
import Testing

/// The fold across a build's crates as `trim run` applies it: each crate's
/// preparation made when the crate is merged, the fold after the build.
/// Two crates: `up` defines two instances whose names print alike and a
/// function coverage sees; `down` calls the instances (declared only, so the
/// calls are left open for this fold) and names that function among a
/// block's external globals.
@Suite struct CrossCrateFoldTests {
    typealias Units = CrateModuleTests

    static func up(instanceContent: UInt64 = 10, hash: Character = "1") -> ModuleFingerprint {
        CrateModule(name: "up.bc", units: [Units.unit("up0", [
            Units.defined("apply", hash: hash, debugName: 9, [Units.block(instanceContent)]),
            Units.defined("apply", hash: "2", debugName: 9, [Units.block(20)]),
            Units.defined("shown", hash: "3", debugName: 4, [Units.block(30)]),
        ])]).module
    }

    /// `caller` calls the instance `hash`, `second` the other one: down
    /// names both, which print alike, so each call counts by the content of
    /// the instance it names.
    static func down(callingHash hash: Character = "1") -> ModuleFingerprint {
        func calling(_ name: String, _ instance: Character, externalGlobals: [String] = []) -> FunctionFingerprint {
            Units.defined(name, hash: "a", debugName: 1, [BlockFingerprint(
                hash: 100, successors: [], file: 0, line: 1, instructionCount: 1, externalGlobals: externalGlobals,
                references: [Units.symbol("apply", hash: instance)])])
        }
        let caller = calling("caller", hash, externalGlobals: [SymbolNames.withoutHash(Units.symbol("shown", hash: "3"))])
        return CrateModule(name: "down.bc", units: [Units.unit("down0", [caller, calling("second", hash == "2" ? "1" : "2")])]).module
    }

    static func callerBlock(_ modules: [String: ModuleFingerprint]) -> BlockFingerprint {
        modules["down"]!.functions.first { $0.symbol.contains("6caller") }!.blocks[0]
    }

    /// The fold with each crate prepared on its own beforehand, as the pipeline does.
    static func foldPrepared(_ modules: [String: ModuleFingerprint]) -> [String: ModuleFingerprint] {
        CrossCrateFold.resolve(modules, prepared: modules.mapValues(CrossCrateFold.Prepared.init))
    }

    @Test func preparedBeforehandFoldsAsAtOnce() {
        let modules = ["up": Self.up(), "down": Self.down()]
        let prepared = Self.foldPrepared(modules)
        #expect(prepared == CrossCrateFold.resolve(modules))
        let block = Self.callerBlock(prepared)
        #expect(block.references.isEmpty, "the open call is folded")
        #expect(block.hash != Self.callerBlock(modules).hash)
        #expect(block.externalGlobals.isEmpty, "a function another crate defines and coverage sees is no external global")
    }

    @Test func aPreparedCallerSeesTheInstanceItCallsButNotARelease() {
        let before = Self.callerBlock(Self.foldPrepared(["up": Self.up(), "down": Self.down()])).hash
        #expect(Self.callerBlock(Self.foldPrepared(["up": Self.up(instanceContent: 11), "down": Self.down()])).hash
                    != before, "the instance's content changed")
        #expect(Self.callerBlock(Self.foldPrepared(["up": Self.up(), "down": Self.down(callingHash: "2")])).hash
                    != before, "the other instance")
        #expect(Self.callerBlock(Self.foldPrepared(["up": Self.up(hash: "7"), "down": Self.down(callingHash: "7")])).hash
                    == before, "a release moves the hash only")
    }

    /// A preparation of another module (here: of a crate before it gained a
    /// function) is made again, never read against the wrong functions.
    @Test func aPreparationOfAnotherModuleIsMadeAgain() {
        var grown = Self.up()
        grown.functions.append(Units.defined("added", hash: "4", debugName: 6, [Units.block(40)]))
        let modules = ["up": grown, "down": Self.down()]
        let stale = ["up": CrossCrateFold.Prepared(Self.up()), "down": CrossCrateFold.Prepared(Self.down())]
        #expect(CrossCrateFold.resolve(modules, prepared: stale) == CrossCrateFold.resolve(modules))
    }
}
