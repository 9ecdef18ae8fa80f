import Foundation
import InputTracing
import Selection
import Testing
import TrimConfig
import TrimModel

/// Record → change → select, on real traced test processes: editing the
/// file, changing the variable and changing the network policy each select
/// exactly the test that used it; the test that reads nothing is never selected.
@Suite struct SelectionScenarioTests {
    static let tests = ["reads_file", "reads_flag", "connects", "nothing"]

    /// A private copy of the fixture's workspace data (tests edit it), with a configuration.
    struct Scenario {
        let fixture: TracingFixture
        let root: URL
        let method: TracingMethod
        let environment: [String: String]
        var configuration: TrimConfiguration
        var recorded: [String: TestInputs] = [:]

        init(_ fixture: TracingFixture, method: TracingMethod, name: String, config: String = "") throws {
            self.fixture = fixture
            self.method = method
            root = fixture.root.appendingPathComponent("scenario-\(name)")
            try? FileManager.default.removeItem(at: root)
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("tests/data"),
                withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("migrations"),
                withIntermediateDirectories: true)
            try "hello\n".write(to: root.appendingPathComponent("tests/data/x.txt"), atomically: true, encoding: .utf8)
            try "create table t();\n".write(
                to: root.appendingPathComponent("migrations/001.sql"), atomically: true,
                encoding: .utf8)
            // One environment for every test, as trim gives it.
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TRIM_") }
            environment["MY_FLAG"] = "on"
            environment["PORT_FILE"] = root.appendingPathComponent("port").path
            self.environment = environment
            configuration = try Self.configure(root, config)
        }

        static func configure(_ root: URL, _ text: String) throws -> TrimConfiguration {
            let file = root.appendingPathComponent(TrimConfiguration.relativePath)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            return try TrimConfiguration.load(workspaceRoot: root)
        }

        mutating func reconfigure(_ text: String) throws { configuration = try Self.configure(root, text) }

        var filter: InputFilter {
            InputFilter(
                workspaceRoot: root, targetDirectory: fixture.executable.deletingLastPathComponent(),
                ignore: configuration.inputs.ignore, ignoreVariables: configuration.inputs.ignoreEnv)
        }

        /// Runs each test traced and keeps its inputs, as `trim run` will.
        mutating func record(_ names: [String] = SelectionScenarioTests.tests) throws {
            let policy = configuration.network
            for name in names {
                let (inputs, _) = try fixture.inputs(
                    of: name, method: method, stem: "scenario-\(root.lastPathComponent)-\(name)",
                    environment: environment, in: root, filter: filter,
                    watchPatterns: { policy.filePatterns(for: $0) })
                #expect(inputs.isComplete, "\(name): \(inputs.problems)")
                recorded[name] = inputs
            }
        }

        /// The tests the input rules select now, with their reasons.
        func selected(environment: [String: String]? = nil) -> [String: [Reason]] {
            let state = InputState.live(filter: filter, environment: environment ?? self.environment)
            var result: [String: [Reason]] = [:]
            for (name, inputs) in recorded {
                let reasons = InputChanges.reasons(recorded: inputs, current: state, policy: configuration.network)
                if !reasons.isEmpty { result[name] = reasons }
            }
            return result
        }

        func write(_ text: String, to path: String) throws {
            try text.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
    }

    @Test func eachChangeSelectsExactlyItsTest() throws {
        let fixture = try TracingFixture.get()
        var scenario = try Scenario(fixture, method: fixture.preload, name: "preload")
        try scenario.record()
        #expect(scenario.selected().isEmpty)

        // The file.
        try scenario.write("hello, edited\n", to: "tests/data/x.txt")
        var selected = scenario.selected()
        #expect(selected.keys.sorted() == ["reads_file"])
        #expect(selected["reads_file"]?.map(\.kind) == [.fileChanged])
        #expect(selected["reads_file"]?.first?.detail == "a file it read changed: tests/data/x.txt")
        try scenario.write("hello\n", to: "tests/data/x.txt")
        #expect(scenario.selected().isEmpty)

        // The variable.
        var changed = scenario.environment
        changed["MY_FLAG"] = "off"
        selected = scenario.selected(environment: changed)
        #expect(selected.keys.sorted() == ["reads_flag"])
        #expect(selected["reads_flag"]?.first?.detail == "a variable it read: MY_FLAG changed")
        changed["MY_FLAG"] = nil
        #expect(
            scenario.selected(environment: changed)["reads_flag"]?.first?.detail
                == "a variable it read: MY_FLAG is now unset")

        // The policy: the test's own listener on 127.0.0.1 is ignored by default.
        try scenario.reconfigure("[[network.rules]]\naddress = \"127.0.0.1:*\"\npolicy = \"always\"\n")
        selected = scenario.selected()
        #expect(selected.keys.sorted() == ["connects"])
        #expect(selected["connects"]?.first?.kind == .network)
        #expect(selected["connects"]?.first?.detail.contains("(network policy network.rules[0]: always)") == true)
        try scenario.reconfigure("[[network.rules]]\naddress = \"localhost:*\"\npolicy = \"ignore\"\n")
        #expect(scenario.selected().isEmpty)

        // when-files-change: new patterns select once (nothing of them was recorded) ...
        let watching = "[[network.rules]]\naddress = \"127.0.0.1:*\"\nwhen-files-change = [\"migrations/**\"]\n"
        try scenario.reconfigure(watching)
        #expect(scenario.selected().keys.sorted() == ["connects"])
        // ... recorded with them, nothing; a new migration selects it, and only it.
        try scenario.record(["connects"])
        #expect(scenario.recorded["connects"]?.watched.keys.sorted() == ["migrations/001.sql"])
        #expect(scenario.selected().isEmpty)
        try scenario.write("alter table t;\n", to: "migrations/002.sql")
        selected = scenario.selected()
        #expect(selected.keys.sorted() == ["connects"])
        #expect(selected["connects"]?.first?.detail.contains("migrations/002.sql was added") == true)

        // Ignoring the file in the configuration: editing it no longer selects.
        try scenario.reconfigure("[inputs]\nignore = [\"tests/data\"]\n")
        try scenario.write("hello, again\n", to: "tests/data/x.txt")
        #expect(scenario.selected()["reads_file"] == nil)
    }

    /// Under strace the file rule is as exact; the variable rule cannot be
    /// (every variable counts as read), so it selects every test.
    @Test func underStrace() throws {
        let fixture = try TracingFixture.get()
        var scenario = try Scenario(fixture, method: fixture.strace, name: "strace")
        try scenario.record()
        #expect(scenario.selected().isEmpty)
        try scenario.write("hello, edited\n", to: "tests/data/x.txt")
        #expect(scenario.selected().keys.sorted() == ["reads_file"])
        try scenario.write("hello\n", to: "tests/data/x.txt")
        var changed = scenario.environment
        changed["MY_FLAG"] = "off"
        #expect(scenario.selected(environment: changed).keys.sorted() == Self.tests.sorted())
        #expect(scenario.recorded["connects"]?.network.count == 1)
    }
}
