import Foundation
import Testing

/// Files, variables and network a test reads, through `trim run` and `trim plan`.
@Suite struct InputSelectionTests {
    static let tests = """
            #[test]
            fn reads_a_file() {
                let text = std::fs::read_to_string("tests/data/x.txt").unwrap();
                assert!(!text.is_empty());
            }

            #[test]
            fn reads_a_flag() {
                let _ = std::env::var("MY_FLAG");
            }

            #[test]
            fn connects_to_itself() {
                let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                let address = listener.local_addr().unwrap();
                let _client = std::net::TcpStream::connect(address).unwrap();
            }

            #[test]
            fn reads_nothing() {
                assert_eq!(half(4), 2);
            }
        """

    func planned(_ workspace: ExampleWorkspace, environment: [String: String] = [:]) throws -> [String: String] {
        let outcome = try workspace.run(["plan", "--json"], environment: environment)
        try #require(outcome.status == 0, "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        var kinds: [String: String] = [:]
        for test in try #require(object["selected"] as? [[String: Any]]) {
            kinds[test["test"] as! String] = (test["reasons"] as? [[String: Any]])?.first?["kind"] as? String
        }
        return kinds
    }

    /// The fixture's workspace with `tests/data/x.txt` ("first"), and that directory.
    static func workspaceWithData() throws -> (ExampleWorkspace, URL) {
        let workspace = try RunnerBehaviourTests.workspace(Self.tests)
        let data = workspace.root.appendingPathComponent("tests/data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try "first".write(to: data.appendingPathComponent("x.txt"), atomically: true, encoding: .utf8)
        return (workspace, data)
    }

    @Test func eachKindOfInputSelectsExactlyTheTestThatReadIt() throws {
        let (workspace, data) = try Self.workspaceWithData()
        let first = try workspace.run(["run", "--no-progress"], environment: ["MY_FLAG": "on"])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(try planned(workspace, environment: ["MY_FLAG": "on"]).isEmpty)

        try "second".write(to: data.appendingPathComponent("x.txt"), atomically: true, encoding: .utf8)
        #expect(try planned(workspace, environment: ["MY_FLAG": "on"]) == ["tests::reads_a_file": "file-changed"])
        _ = try workspace.run(["run", "--no-progress"], environment: ["MY_FLAG": "on"])

        #expect(try planned(workspace, environment: ["MY_FLAG": "off"]) == ["tests::reads_a_flag": "env-changed"])
        #expect(try planned(workspace, environment: [:]) == ["tests::reads_a_flag": "env-changed"], "unset is a change")

        let config = workspace.root.appendingPathComponent(".config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try """
            [[network.rules]]
            address = "127.0.0.1:*"
            policy = "always"
            """.write(to: config.appendingPathComponent("trim.toml"), atomically: true, encoding: .utf8)
        #expect(try planned(workspace, environment: ["MY_FLAG": "on"]) == ["tests::connects_to_itself": "network"])
    }

    /// TRIM_INPUT_TRACING: strace records the same file reads; off records
    /// nothing, so every test is selected again (never skipped on a guess);
    /// a value that is not a choice is an error before anything runs.
    @Test func tracingChoiceIsHonouredAndOffNeverSkips() throws {
        let (workspace, data) = try Self.workspaceWithData()

        let bad = try workspace.run(["run", "--no-progress"], environment: ["TRIM_INPUT_TRACING": "ptrace"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("TRIM_INPUT_TRACING=ptrace is not one of auto, strace, off"), "\(bad.stderr)")

        let off = try workspace.run(["run", "--no-progress"], environment: ["TRIM_INPUT_TRACING": "off"])
        #expect(off.status == 0, "\(off.stdout)\(off.stderr)")
        let afterOff = try planned(workspace)
        #expect(afterOff.count == 4, "\(afterOff)")
        #expect(afterOff.values.allSatisfy { $0 == "no-coverage" }, "\(afterOff)")

        let traced = try workspace.run(["run", "--no-progress"], environment: ["TRIM_INPUT_TRACING": "strace"])
        #expect(traced.status == 0, "\(traced.stdout)\(traced.stderr)")
        try "second".write(to: data.appendingPathComponent("x.txt"), atomically: true, encoding: .utf8)
        // strace cannot see variable reads: any change of the environment selects every test it traced.
        #expect(try planned(workspace) == ["tests::reads_a_file": "file-changed"])
    }
}
