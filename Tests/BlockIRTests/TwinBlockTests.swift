import BlockIR
import Foundation
import Testing

/// An edit that makes a block equal to another block of the same function
/// (a literal changed to one the function already uses) changes that block
/// alone: pairing keeps blocks in their place in the CFG.
@Suite struct TwinBlockTests {
    static let source = """
        pub fn scale(x: u64, y: u64, big: bool) -> u64 {
            if big {
                x * 3
            } else {
                y * 4
            }
        }

        pub fn pick(x: u64, flag: bool) -> u64 {
            if flag {
                x * 3
            } else {
                x * 4
            }
        }

        fn note(code: u32) {
            println!("note {code}");
        }

        pub fn report(level: u32) {
            if level > 2 {
                note(3);
            } else if level > 1 {
                note(4);
            } else {
                note(5);
            }
        }

        fn double(n: u32) -> u32 {
            n.wrapping_mul(2)
        }

        fn halve(n: u32) -> u32 {
            n / 2
        }

        pub fn act(n: u32) -> u32 {
            if n > 10 {
                double(n)
            } else {
                halve(n)
            }
        }

        pub fn keep(n: u32) -> u32 {
            halve(n)
        }
        """

    func changedBlocks(_ edited: String) throws -> [String: [Int]] {
        let builds = try FixtureBuilds()
        let old = try builds.rust("old", Self.source)
        let new = try builds.rust("new", edited)
        var blocks: [String: [Int]] = [:]
        for function in try builds.diff(old, new).functions {
            blocks[function.name] = function.blocks.map(\.index)
        }
        return blocks
    }

    @Test func aLiteralChangedToOneUsedOnAnotherPathChangesOneBlock() throws {
        let edited = Self.source.replacingOccurrences(of: "        x * 3\n    } else {\n        y * 4",
                                                      with: "        x * 4\n    } else {\n        y * 4")
        let changed = try changedBlocks(edited)
        #expect(Set(changed.keys) == ["fx::scale"])
        #expect(changed["fx::scale"]?.count == 1, "only the block of `x * 4`: \(changed)")
    }

    @Test func aBranchMadeEqualToItsSiblingChangesOneBlock() throws {
        let edited = Self.source.replacingOccurrences(of: "        x * 3\n    } else {\n        x * 4",
                                                      with: "        x * 4\n    } else {\n        x * 4")
        let changed = try changedBlocks(edited)
        #expect(Set(changed.keys) == ["fx::pick"])
        #expect(changed["fx::pick"]?.count == 1, "only the then-branch: \(changed)")
        #expect(changed["fx::pick"]?.contains(0) == false, "the entry block is untouched")
    }

    @Test func swappedLiteralsChangeTheirTwoBlocks() throws {
        let edited = Self.source.replacingOccurrences(of: "note(3);\n    } else if level > 1 {\n        note(4);",
                                                      with: "note(4);\n    } else if level > 1 {\n        note(3);")
        let changed = try changedBlocks(edited)
        #expect(Set(changed.keys) == ["fx::report"])
        #expect(changed["fx::report"]?.count == 2, "the two calls, not the branches before them: \(changed)")
        #expect(changed["fx::report"]?.contains(0) == false)
    }

    @Test func aBlockCopiedIntoAnotherBranchChangesThatBranchOnly() throws {
        let edited = Self.source.replacingOccurrences(of: "} else {\n        halve(n)", with: "} else {\n        double(n)")
        let changed = try changedBlocks(edited)
        #expect(Set(changed.keys) == ["fx::act"])
        #expect(changed["fx::act"]?.count == 1, "only the else-branch: \(changed)")
        #expect(changed["fx::act"]?.contains(0) == false)
    }
}

/// The pairing's rules on hand-made CFGs.
@Suite struct BlockPairingRuleTests {
    static func block(_ hash: UInt64, _ successors: [UInt32]) -> BlockFingerprint {
        BlockFingerprint(hash: hash, successors: successors, file: nil, line: 0, instructionCount: 1, externalGlobals: [])
    }

    static func function(_ blocks: [BlockFingerprint]) -> FunctionFingerprint {
        FunctionFingerprint(symbol: "f", demangled: "f", file: nil, line: 0, isTestHarnessMain: false, blocks: blocks)
    }

    @Test func anAddedCaseLeavesTheOtherCasesWithTheirPartners() {
        // switch → [A, B] becomes switch → [X, A, B].
        let old = Self.function([Self.block(0x5, [1, 2]), Self.block(0xA, []), Self.block(0xB, [])])
        let new = Self.function([Self.block(0x5, [3, 1, 2]), Self.block(0xA, []), Self.block(0xB, []),
                                 Self.block(0xC, [])])
        #expect(FunctionDiffer.blockPartners(old: old, new: new) == [0, 1, 2])
    }

    @Test func swappedContentsStayInPlace() {
        // if → [A, B] becomes if → [B, A], each leading to the same join: two
        // blocks changed in place, not the branch before them.
        let old = Self.function([Self.block(0x5, [1, 2]), Self.block(0xA, [3]), Self.block(0xB, [3]), Self.block(0xD, [])])
        let new = Self.function([Self.block(0x5, [1, 2]), Self.block(0xB, [3]), Self.block(0xA, [3]), Self.block(0xD, [])])
        #expect(FunctionDiffer.blockPartners(old: old, new: new) == [0, 1, 2, 3])
    }

    @Test func anInsertedBlockDoesNotTakeThePlaceOfTheOneAfterIt() {
        // A → C → D becomes A → B → C → D.
        let old = Self.function([Self.block(0xA, [1]), Self.block(0xC, [2]), Self.block(0xD, [])])
        let new = Self.function([Self.block(0xA, [3]), Self.block(0xC, [2]), Self.block(0xD, []), Self.block(0xB, [1])])
        #expect(FunctionDiffer.blockPartners(old: old, new: new) == [0, 1, 2])
    }
}

/// A function whose blocks are the same in the same layout is compared
/// without the walk: each block its own partner, only what it uses from
/// elsewhere can differ. The walk agrees on every function of a real build.
@Suite struct SameLayoutTests {
    @Test func theWalkPairsEveryBlockOfAnUnchangedFunctionWithItself() throws {
        let builds = try FixtureBuilds()
        defer { try? FileManager.default.removeItem(at: builds.root) }
        let module = try builds.fingerprint(try builds.rust("same", TwinBlockTests.source))
        #expect(module.functions.count > 3)
        for function in module.functions {
            #expect(FunctionDiffer.blockPartners(old: function, new: function) == function.blocks.indices.map { $0 },
                    "\(function.demangled)")
            #expect(FunctionDiffer().affectedOldBlocks(old: function, new: function).isEmpty, "\(function.demangled)")
        }
    }

    @Test func onlyABlockWhoseOutsideUseChangedIsAffected() throws {
        let builds = try FixtureBuilds()
        defer { try? FileManager.default.removeItem(at: builds.root) }
        let module = try builds.fingerprint(try builds.rust("same", TwinBlockTests.source))
        let function = try #require(module.functions.first { $0.blocks.count > 2 })
        var changed = function
        changed.blocks[1].externalGlobals.append("a global another module defines")
        let affected = FunctionDiffer().affectedOldBlocks(old: function, new: changed)
        #expect(Array(affected.keys) == [1])
        if case .externals(let partner)? = affected[1] { #expect(partner == 1) } else { Issue.record("\(affected)") }
        // A block's own change is still found by the walk.
        var edited = function
        edited.blocks[1].hash &+= 1
        #expect(FunctionDiffer().affectedOldBlocks(old: function, new: edited).keys.contains(1))
    }
}

