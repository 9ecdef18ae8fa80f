import BlockIR
import Testing

/// Pairing modules whose cargo hash moved (a release), when one crate name
/// stands for several modules: a library, its unit tests, a binary.
@Suite struct ModuleCounterpartTests {
    typealias S = SelectorTests
    static let main = FunctionFingerprint(symbol: "main", demangled: "main", file: nil, line: 0, isTestHarnessMain: true,
                                          blocks: [S.block(0x11, [], line: 0)])

    static func function(_ name: String, hash: UInt64 = 0x42) -> FunctionFingerprint {
        FunctionFingerprint(symbol: "_ZN2fx\(name.count)\(name)17h00000000000000aaE", demangled: "fx::\(name)",
                            file: "src/lib.rs", line: 1, isTestHarnessMain: false, blocks: [S.block(hash, [], line: 2)])
    }

    @Test func aLibraryAndItsTestsPairByRole() {
        let library = S.module([S.check(), S.helper()])
        let tests = S.module([S.check(), S.helper(), Self.main])
        let pairing = ModuleCounterpart(
            old: ["fx-0000000000000001.bc": library, "fx-0000000000000002.bc": tests],
            new: ["fx-00000000000000a1.bc": library, "fx-00000000000000a2.bc": tests])
        #expect(pairing.match("fx-0000000000000001.bc") == "fx-00000000000000a1.bc")
        #expect(pairing.match("fx-0000000000000002.bc") == "fx-00000000000000a2.bc")
    }

    @Test func twoTestModulesPairByTheFunctionsTheyShare() {
        let unit = S.module([S.check(), S.helper(), Self.main])
        let binary = S.module([Self.function("run"), Self.function("serve"), Self.main])
        let pairing = ModuleCounterpart(
            old: ["fx-0000000000000001.bc": unit, "fx-0000000000000002.bc": binary],
            new: ["fx-00000000000000a1.bc": binary, "fx-00000000000000a2.bc": unit])
        #expect(pairing.match("fx-0000000000000001.bc") == "fx-00000000000000a2.bc")
        #expect(pairing.match("fx-0000000000000002.bc") == "fx-00000000000000a1.bc")
    }

    @Test func alikeModulesPairByContentAndOtherwiseNotAtAll() {
        let one = S.module([Self.function("level", hash: 1)])
        let two = S.module([Self.function("level", hash: 2)])
        let three = S.module([Self.function("level", hash: 3)])
        // Same names on every side: the unchanged one pairs by content; the
        // edited one is left alone (its tests are selected).
        let pairing = ModuleCounterpart(old: ["fx-0000000000000001.bc": one, "fx-0000000000000002.bc": two],
                                        new: ["fx-00000000000000a1.bc": one, "fx-00000000000000a2.bc": three])
        #expect(pairing.match("fx-0000000000000001.bc") == "fx-00000000000000a1.bc")
        #expect(pairing.match("fx-0000000000000002.bc") == nil)
    }
}
