import Foundation
import Store
import Testing
import RustcWrapping

/// The wrapper as rustc's linker (`LinkStage`): when a test executable's link
/// starts, it notes the units the call wrote, which are then the units the
/// wrapper records once rustc ends, and the link itself goes to the linker
/// rustc would have run, the user's own among them.
@Suite(.serialized) struct LinkStageTests {
    /// A linker of the user's: keeps a copy of the notes beside what it links, then links with `cc`.
    static func linker(log: URL) -> String {
        """
        #!/bin/sh
        mkdir -p '\(log.path)'
        previous=""; output=""
        for argument in "$@"; do [ "$previous" = "-o" ] && output="$argument"; previous="$argument"; done
        for note in "$(dirname "$output")"/*.trim-units-linking; do
          [ -e "$note" ] && cp "$note" '\(log.path)'/
        done
        echo "$output" >> '\(log.path)/calls'
        exec cc "$@"
        """
    }

    @Test func theUnitsNotedAsTheLinkStartsAreTheRecordedOnesAndTheUsersLinkerLinks() throws {
        let workspace = try PositionDependentTests.workspace(config: nil)
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let log = workspace.root.appendingPathComponent("linker-log")
        let deps = CodegenUnitTests.deps(workspace)
        let script = workspace.root.appendingPathComponent("my-cc")
        try Self.linker(log: log).write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        try CodegenUnitTests.write("[target.x86_64-unknown-linux-gnu]\nlinker = \"\(script.path)\"\n",
                                   to: workspace.root.appendingPathComponent(".cargo/config.toml"))
        // A build script is linked too, by the user's linker alone: no test runs in it.
        try CodegenUnitTests.write("fn main() { println!(\"cargo:rerun-if-changed=build.rs\"); }\n",
                                   to: workspace.root.appendingPathComponent("build.rs"))
        let environment = ["TRIM_CACHE_DIR": workspace.root.appendingPathComponent("target/test-cache").path]
        try CodegenUnitTests.run(workspace, environment: environment)

        let calls = (try? String(contentsOf: log.appendingPathComponent("calls"), encoding: .utf8)) ?? ""
        #expect(calls.split(separator: "\n").count == 3,
                "the user's linker linked the build script and both test executables: \(calls)")
        let notes = try FileManager.default.contentsOfDirectory(atPath: log.path).filter { $0.hasSuffix(".trim-units-linking") }
        #expect(notes.count == 2 && !notes.contains { $0.hasPrefix("build_script") }, "\(notes)")
        for note in notes {
            let stem = String(note.dropLast(".trim-units-linking".count))
            let noted = Set(try String(contentsOf: log.appendingPathComponent(note), encoding: .utf8).split(separator: "\n"))
            let recorded = Set(try String(contentsOf: deps.appendingPathComponent(UnitFiles.recordName(stem: stem)),
                                          encoding: .utf8).split(separator: "\n"))
            #expect(!noted.isEmpty && noted == recorded, "\(stem): noted \(noted.count), recorded \(recorded.count)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: deps.path)
            .filter { $0.hasSuffix(".trim-units-linking") || $0.hasSuffix(".trim-units-before") }
        #expect(left.isEmpty, "left beside the outputs: \(left)")
        let results = try TrimStore(path: workspace.database).lastResults()
        #expect(results.count == 3 && results.values.allSatisfy { $0.coverage == .complete && !$0.hits.isEmpty })
    }

    @Test func theCallsOwnLinkerIsTheOneTheLinkStageRuns() {
        func linker(_ arguments: String) -> String? {
            RustcCall(arguments: arguments.split(separator: " ").map(String.init)).linker
        }
        let common = "--crate-name t --edition=2021 src/lib.rs --out-dir /t/deps -C extra-filename=-1 --test"
        #expect(linker(common) == nil)
        #expect(linker("\(common) -C linker=/opt/my-cc") == "/opt/my-cc")
        #expect(linker("\(common) -Clinker=clang -C linker=gcc") == "gcc", "the last one, as rustc takes it")
        #expect(linker("\(common) -C linker-flavor=gcc") == nil)
        #expect(RustcCall(arguments: common.split(separator: " ").map(String.init)).linksExecutable)
        #expect(RustcCall(arguments: common.split(separator: " ").map(String.init)).linksTestHarness)
        let program = RustcCall(arguments: "--crate-name t --edition=2021 src/main.rs --crate-type bin --out-dir /t/deps -C extra-filename=-1"
            .split(separator: " ").map(String.init))
        #expect(program.linksExecutable && !program.linksTestHarness, "a program is linked, never announced to be listed")
        #expect(RustcCall(arguments: (common + " -C linker-flavor=ld.lld").split(separator: " ").map(String.init))
            .choosesLinkerFlavor)
        // Only a compiler driver is replaced: rustc would drive a bare linker under the wrapper's name as one.
        for driver in [nil, "cc", "/usr/bin/gcc", "clang-22", "x86_64-linux-gnu-gcc-12", "/opt/bin/my-cc", "c++"] {
            #expect(LinkStage.isCompilerDriver(driver), "\(driver ?? "default")")
        }
        for bare in ["rust-lld", "ld.lld", "/usr/bin/ld", "ld.gold", "mold", "my-linker", "lld-link"] {
            #expect(!LinkStage.isCompilerDriver(bare), "\(bare)")
        }
        #expect(!RustcCall(arguments: (common + " -C relocation-model=pic").split(separator: " ").map(String.init))
            .linksPositionIndependentExecutable)
        #expect(RustcCall(arguments: (common + " -C relocation-model=pic").split(separator: " ").map(String.init))
            .linksExecutable, "a user's relocation model keeps the link stage")
    }
}
