import BlockIR
import Selection
import Store
import Testing
import TrimModel

/// Whether a test took the same path on two builds, on hand-made fingerprints
/// (SelectorTests' `check`: 0 → (1 | 2) → 3). End to end on real builds:
/// SimulateHistoryTests' affected column.
@Suite struct PathComparisonTests {
    typealias S = SelectorTests
    static let key = S.moduleKey
    static func hits(_ blocks: [UInt32], symbol: String = S.check().symbol, module: String = key) -> [HitFunction] {
        [HitFunction(module: module, symbol: symbol, blocks: blocks)]
    }

    @Test func theSameBlocksOnAChangedBlockAreTheSamePath() {
        let comparison = PathComparison(old: S.snapshot(S.module([S.check()])),
                                        new: S.snapshot(S.module([S.check(branch: 0xBB)])))
        #expect(comparison.samePath(before: Self.hits([0, 1, 3]), after: Self.hits([0, 1, 3])))
        #expect(!comparison.samePath(before: Self.hits([0, 1, 3]), after: Self.hits([0, 2, 3])))
        #expect(!comparison.samePath(before: Self.hits([0, 1, 3]), after: Self.hits([0, 1])))
    }

    @Test func anInsertedBlockIsCarriedOverByThePairing() {
        // New build: a block 4 inserted between the high branch and the exit: 0 → (1 → 4 | 2) → 3.
        let old = S.check()
        var new = old
        new.blocks = [S.block(0xA0, [1, 2], line: 2), S.block(0xB1, [4], line: 3), S.block(0xB2, [3], line: 5),
                      S.block(0xC0, [], line: 7), S.block(0xE0, [3], line: 6)]
        let comparison = PathComparison(old: S.snapshot(S.module([old])), new: S.snapshot(S.module([new])))
        // The low branch is carried over as it was; the high one now also runs block 4.
        #expect(comparison.samePath(before: Self.hits([0, 2, 3]), after: Self.hits([0, 2, 3])))
        #expect(!comparison.samePath(before: Self.hits([0, 1, 3]), after: Self.hits([0, 1, 3, 4])))
    }

    @Test func aFunctionRunOnlyNowOrGoneIsAnotherPath() {
        let comparison = PathComparison(old: S.snapshot(S.module([S.check(), S.helper()])),
                                        new: S.snapshot(S.module([S.check()])))
        let helper = Self.hits([0], symbol: S.helper().symbol)
        #expect(!comparison.samePath(before: Self.hits([0, 1, 3]) + helper, after: Self.hits([0, 1, 3])))
        let back = PathComparison(old: S.snapshot(S.module([S.check()])),
                                  new: S.snapshot(S.module([S.check(), S.helper()])))
        #expect(!back.samePath(before: Self.hits([0, 1, 3]), after: Self.hits([0, 1, 3]) + helper))
        #expect(back.samePath(before: Self.hits([0, 1, 3]), after: Self.hits([0, 1, 3])))
    }

    @Test func libtestsMainIsLeftOutAndModulesFollowTheirCrate() {
        let main = FunctionFingerprint(symbol: "main", demangled: "main", file: nil, line: 0, isTestHarnessMain: true,
                                       blocks: [S.block(0x11, [], line: 0)])
        var newMain = main
        newMain.blocks = [S.block(0x22, [1], line: 0), S.block(0x33, [], line: 0)]
        // cargo's hash suffix moved: the same crate, one module on each side.
        let comparison = PathComparison(old: S.snapshot(S.module([S.check(), main])),
                                        new: S.snapshot(S.module([S.check(), newMain]), key: "fx-fedcba9876543210.bc"))
        let before = Self.hits([0, 1, 3]) + Self.hits([0], symbol: "main")
        let after = Self.hits([0, 1, 3], module: "fx-fedcba9876543210.bc")
            + Self.hits([0, 1], symbol: "main", module: "fx-fedcba9876543210.bc")
        #expect(comparison.samePath(before: before, after: after))
    }

    @Test func identicalInstancesStandForEachOtherAcrossARelease() {
        func instance(_ hash: String) -> FunctionFingerprint {
            FunctionFingerprint(symbol: "_ZN4core3ptr13drop_in_place17h\(hash)E", demangled: "core::ptr::drop_in_place",
                                file: nil, line: 0, isTestHarnessMain: false, blocks: [S.block(0x77, [], line: 0)])
        }
        // Two instances with the same code; a release moved both hashes.
        let old = S.module([instance("00000000000000a1"), instance("00000000000000a2")])
        let new = S.module([instance("00000000000000b2"), instance("00000000000000b1")])
        let comparison = PathComparison(old: S.snapshot(old), new: S.snapshot(new))
        let before = Self.hits([0], symbol: "_ZN4core3ptr13drop_in_place17h00000000000000a2E")
        let after = Self.hits([0], symbol: "_ZN4core3ptr13drop_in_place17h00000000000000b1E")
        #expect(comparison.samePath(before: before, after: after))
    }

    /// shop's `release 0.2.0`, traced: the old build reached one instance of
    /// `Vec<T>::reserve` from two call sites; after the release the two sites
    /// reach two instances with the same code (types of one layout), one
    /// site each. The same blocks ran, split across identical functions: the
    /// same path, not a change block grain missed.
    @Test func aPathSplitAcrossIdenticalInstancesIsTheSamePath() {
        func reserve(_ hash: String, branch: UInt64 = 0xB1) -> FunctionFingerprint {
            var function = S.check(branch: branch)
            function.symbol = "_ZN5alloc3vec16Vec$LT$T$C$A$GT$7reserve17h\(hash)E"
            return function
        }
        let old = S.module([reserve("00000000000000a1"), reserve("00000000000000a2", branch: 0xCC)])
        let new = S.module([reserve("00000000000000b1"), reserve("00000000000000b2"),
                            reserve("00000000000000b3", branch: 0xCC)])
        let comparison = PathComparison(old: S.snapshot(old), new: S.snapshot(new))
        let before = Self.hits([0, 1, 2, 3], symbol: reserve("00000000000000a1").symbol)
        let split = Self.hits([0, 1, 3], symbol: reserve("00000000000000b2").symbol)
            + Self.hits([0, 2, 3], symbol: reserve("00000000000000b1").symbol)
        #expect(comparison.divergence(before: before, after: split) == nil)
        // And back: two old instances, one new.
        let back = PathComparison(old: S.snapshot(new), new: S.snapshot(old))
        #expect(back.divergence(before: split, after: before) == nil)
        // A block no identical instance ran is still a path change, and so is
        // running the instance with other code.
        #expect(comparison.divergence(before: before, after: Self.hits([0, 1, 3], symbol: reserve("00000000000000b2").symbol))
                != nil)
        #expect(comparison.divergence(
            before: before,
            after: Self.hits([0, 1, 3], symbol: reserve("00000000000000b2").symbol)
                + Self.hits([0, 2, 3], symbol: reserve("00000000000000b3", branch: 0xCC).symbol)) != nil)
    }

    /// calc's `binary(precedence)` → `binary(precedence + 1)` in a debug
    /// build: the overflow check adds a panic path ending in a bare
    /// `unreachable`, equal to the one the function already had at its end.
    /// Blocks without a coverage slot count as executed whenever the function
    /// ran, and the two equal `unreachable`s pair in layout order (the old
    /// last one with the new panic path's): a test that never reached the
    /// changed line seemed to run a new block. Slotless blocks are no
    /// observation, so the comparison leaves them out.
    @Test func blocksWithoutACoverageSlotAreNoPath() {
        // Old: 0 → (1 | 2), 1 returns, 2 ends in 3 (a bare unreachable, no slot).
        var old = S.check()
        old.blocks = [S.block(0xA0, [1, 2], line: 2), S.block(0xB1, [], line: 3), S.block(0xB2, [3], line: 5),
                      S.block(0xEE, [], line: 0)]
        old.coverageBlocks = [0, 1, 2]
        // New: block 2 gained an overflow check whose panic path is 4 → 5 (another bare unreachable).
        var new = old
        new.blocks = [S.block(0xA0, [1, 2], line: 2), S.block(0xB1, [], line: 3), S.block(0xB3, [3, 4], line: 5),
                      S.block(0xEE, [], line: 0), S.block(0xF0, [5], line: 5), S.block(0xEE, [], line: 0)]
        new.coverageBlocks = [0, 1, 2, 4]
        let comparison = PathComparison(old: S.snapshot(S.module([old])), new: S.snapshot(S.module([new])))
        // The first branch, on both builds, with every slotless block counted as executed.
        #expect(comparison.divergence(before: Self.hits([0, 1, 3]), after: Self.hits([0, 1, 3, 5])) == nil)
        // An observed block still counts: the panic path is another path.
        #expect(comparison.divergence(before: Self.hits([0, 2, 3]), after: Self.hits([0, 2, 3, 4, 5]))
                == .newlyExecuted(symbol: S.check().symbol, blocks: [4]))
    }
}
