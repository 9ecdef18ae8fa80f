import Foundation
import Store
import Testing
import TrimModel

/// Test executables linked without debug sections (`-C strip=debuginfo`,
/// unless `TRIM_KEEP_DEBUGINFO=1`): hits still map to their blocks (the
/// symbol table and the PC table stay), a failing test still names its file
/// and line, and a profile that strips symbols no longer hides them from trim.
@Suite(.serialized) struct LinkedDebugInfoTests {
    /// The names of an ELF64 little-endian file's sections.
    static func sectionNames(_ path: String) throws -> Set<String> {
        let bytes = try #require(FileManager.default.contents(atPath: path))
        func integer(_ offset: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        let (table, entrySize, count, namesIndex) = (integer(0x28, 8), integer(0x3A, 2), integer(0x3C, 2),
                                                     integer(0x3E, 2))
        let namesOffset = integer(table + namesIndex * entrySize + 0x18, 8)
        var names = Set<String>()
        for index in 0..<count {
            let start = namesOffset + integer(table + index * entrySize, 4)
            let end = bytes[start...].firstIndex(of: 0) ?? start
            names.insert(String(decoding: bytes[start..<end], as: UTF8.self))
        }
        return names
    }

    /// Section names of each recorded test executable, by binary id.
    static func sections(_ workspace: ExampleWorkspace) throws -> [String: Set<String>] {
        let store = try TrimStore(path: workspace.database)
        let (build, _) = try #require(try store.latestBuild())
        var sections: [String: Set<String>] = [:]
        for binary in try store.binaries(of: build) {
            let path = binary.executable.hasPrefix("/") ? binary.executable
                : workspace.root.appendingPathComponent(binary.executable).path
            sections[binary.id] = try sectionNames(path)
        }
        return sections
    }

    static func cache(_ workspace: ExampleWorkspace) -> [String: String] {
        ["TRIM_CACHE_DIR": workspace.root.appendingPathComponent("target/test-cache").path]
    }

    @Test func executablesLeaveDebugSectionsOutAndHitsStillMapToTheirBlocks() throws {
        let workspace = try PositionDependentTests.workspace(config: nil)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        try PositionDependentTests.expectBlockExactSelection(workspace, environment: Self.cache(workspace))
        let sections = try Self.sections(workspace)
        #expect(sections.keys.sorted() == ["placed", "placed::outside"])
        for (binary, names) in sections {
            #expect(names.contains(".symtab") && names.contains("__sancov_pcs"), "\(binary): \(names.sorted())")
            #expect(names.isDisjoint(with: [".debug_info", ".debug_line", ".debug_str"]), "\(binary): \(names.sorted())")
        }

        // A failing test still says where it failed: the location is the panic's, not the debug sections'.
        let source = workspace.root.appendingPathComponent("src/lib.rs")
        try PositionDependentTests.library.replacingOccurrences(of: "x - 10", with: "x + 10")
            .write(to: source, atomically: true, encoding: .utf8)
        let failed = try CodegenUnitTests.run(workspace, expect: 100, environment: Self.cache(workspace))
        #expect((failed.stdout + failed.stderr).contains("src/lib.rs:13"), "\(failed.stdout)\n\(failed.stderr)")
    }

    @Test func keepingDebugInfoLeavesTheLineTablesIn() throws {
        let workspace = try PositionDependentTests.workspace(config: nil)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        var environment = Self.cache(workspace)
        environment["TRIM_KEEP_DEBUGINFO"] = "1"
        try PositionDependentTests.expectBlockExactSelection(workspace, environment: environment)
        for (binary, names) in try Self.sections(workspace) {
            #expect(names.contains(".debug_line") && names.contains(".symtab"), "\(binary): \(names.sorted())")
        }
    }

    @Test func aProfileStrippingSymbolsStillLetsTrimMapHits() throws {
        var files = ["Cargo.toml": CodegenUnitTests.manifest("placed") + "\n[profile.dev]\nstrip = \"symbols\"\n",
                     "src/lib.rs": PositionDependentTests.library, "tests/outside.rs": PositionDependentTests.outside]
        files[".cargo/config.toml"] = nil
        let workspace = try CodegenUnitTests.workspace(files)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        try PositionDependentTests.expectBlockExactSelection(workspace, environment: Self.cache(workspace))
        for (binary, names) in try Self.sections(workspace) {
            #expect(names.contains(".symtab"), "\(binary): trim's strip=debuginfo comes after the profile's")
        }
    }

    @Test func anUnknownSettingIsAnError() throws {
        let workspace = try PositionDependentTests.workspace(config: nil)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        var environment = Self.cache(workspace)
        environment["TRIM_KEEP_DEBUGINFO"] = "yes"
        let outcome = try CodegenUnitTests.run(workspace, expect: 2, environment: environment)
        #expect(outcome.stderr.contains("TRIM_KEEP_DEBUGINFO: \"yes\" is neither 1 nor 0"), "\(outcome.stderr)")
    }
}
