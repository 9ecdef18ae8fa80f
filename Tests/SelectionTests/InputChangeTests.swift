import InputTracing
import Selection
import Testing
import TrimConfig
import TrimModel

/// The reasons recorded inputs give, against a hand-made current state.
@Suite struct InputChangeTests {
    /// The state now: files and variables by name, files matched by patterns.
    static func state(
        files: [String: String] = [:], env: [String: String] = [:],
        ignoredFiles: Set<String> = [], ignoredVariables: Set<String> = []
    ) -> InputState {
        InputState(
            file: { ignoredFiles.contains($0) ? nil : files[$0] ?? TestInputs.missing },
            variable: { ignoredVariables.contains($0) ? nil : env[$0] ?? TestInputs.unset },
            matching: { patterns in
                let globs = patterns.map(PathPattern.init)
                return files.filter { path, hash in hash != TestInputs.missing && globs.contains { $0.matches(path) } }
            })
    }

    static let libtest = ["RUST_TEST_THREADS": "h-threads", "RUST_MIN_STACK": TestInputs.unset, "HOME": "h-home"]

    func reasons(_ recorded: TestInputs, _ current: InputState, _ policy: NetworkPolicy = .builtInDefault) -> [Reason] {
        InputChanges.reasons(recorded: recorded, current: current, policy: policy)
    }

    @Test func noInputsNoReasons() {
        #expect(reasons(TestInputs(), Self.state()).isEmpty)
        #expect(reasons(TestInputs(), Self.state(files: ["x": "h2"], env: ["A": "h"])).isEmpty)
    }

    /// A test that reads nothing of its own: libtest's variables, unchanged, give nothing.
    @Test func libtestReadsAloneGiveNothing() {
        let recorded = TestInputs(env: Self.libtest)
        #expect(reasons(recorded, Self.state(env: Self.libtest.filter { $0.value != TestInputs.unset })).isEmpty)
        let changed = reasons(recorded, Self.state(env: ["RUST_TEST_THREADS": "h-other", "HOME": "h-home"]))
        #expect(changed.map(\.kind) == [.envChanged])
        #expect(changed.first?.locations == ["RUST_TEST_THREADS"])
    }

    @Test func fileChanges() {
        let recorded = TestInputs(files: [
            "tests/data/x.txt": "h1", "tests/data/y.txt": "h1",
            "tests/data/maybe.txt": TestInputs.missing, "tests/data/dir/": "l1",
        ])
        let same = Self.state(files: ["tests/data/x.txt": "h1", "tests/data/y.txt": "h1", "tests/data/dir/": "l1"])
        #expect(reasons(recorded, same).isEmpty)

        let edited = reasons(
            recorded,
            Self.state(files: [
                "tests/data/x.txt": "h2", "tests/data/y.txt": "h1",
                "tests/data/dir/": "l1",
            ]))
        #expect(
            edited == [
                Reason(
                    .fileChanged, locations: ["tests/data/x.txt"],
                    detail: "a file it read changed: tests/data/x.txt")
            ])

        let gone = reasons(recorded, Self.state(files: ["tests/data/y.txt": "h1", "tests/data/dir/": "l1"]))
        #expect(gone.first?.detail == "a file it read is gone: tests/data/x.txt")

        let appeared = reasons(
            recorded,
            Self.state(files: [
                "tests/data/x.txt": "h1", "tests/data/y.txt": "h1",
                "tests/data/dir/": "l1", "tests/data/maybe.txt": "h9",
            ]))
        #expect(appeared.first?.detail == "a file it looked for now exists: tests/data/maybe.txt")

        let listed = reasons(
            recorded,
            Self.state(files: [
                "tests/data/x.txt": "h1", "tests/data/y.txt": "h2",
                "tests/data/dir/": "l2",
            ]))
        #expect(listed.first?.locations == ["tests/data/dir/", "tests/data/y.txt"])
        #expect(listed.first?.detail == "a directory it listed changed: tests/data/dir/ (and 1 more)")

        // Ignored by the configuration now: no reason.
        let ignored = Self.state(
            files: ["tests/data/y.txt": "h1", "tests/data/dir/": "l1"],
            ignoredFiles: ["tests/data/x.txt"])
        #expect(reasons(recorded, ignored).isEmpty)
    }

    @Test func variableChanges() {
        let recorded = TestInputs(env: ["MY_FLAG": InputHash.value("on"), "OTHER": TestInputs.unset])
        #expect(reasons(recorded, Self.state(env: ["MY_FLAG": InputHash.value("on")])).isEmpty)
        let changed = reasons(recorded, Self.state(env: ["MY_FLAG": InputHash.value("off")]))
        #expect(changed == [Reason(.envChanged, locations: ["MY_FLAG"], detail: "a variable it read: MY_FLAG changed")])
        #expect(reasons(recorded, Self.state()).first?.detail == "a variable it read: MY_FLAG is now unset")
        let set = reasons(recorded, Self.state(env: ["MY_FLAG": InputHash.value("on"), "OTHER": InputHash.value("")]))
        #expect(set.first?.detail == "a variable it read: OTHER is now set")
        #expect(reasons(recorded, Self.state(ignoredVariables: ["MY_FLAG"])).isEmpty)

        let whole = TestInputs(env: [TestInputs.wholeEnvironment: "e1"], method: "strace")
        #expect(reasons(whole, Self.state(env: [TestInputs.wholeEnvironment: "e1"])).isEmpty)
        let wholeChanged = reasons(whole, Self.state(env: [TestInputs.wholeEnvironment: "e2"]))
        #expect(wholeChanged.map(\.kind) == [.envChanged])
        #expect(wholeChanged.first?.detail.hasPrefix("its environment changed") == true)
    }

    @Test func networkByDefault() {
        let own = TestInputs(network: ["127.0.0.1:41234"])
        #expect(reasons(own, Self.state()).isEmpty)  // loopback: ignore
        let remote = TestInputs(network: ["93.184.216.34:443", "127.0.0.1:41234"])
        #expect(
            reasons(remote, Self.state()) == [
                Reason(
                    .network, locations: ["93.184.216.34:443"],
                    detail: "it connected to 93.184.216.34:443 (network policy default: always)")
            ])
        #expect(reasons(TestInputs(network: ["unix:/run/x.sock"]), Self.state()).isEmpty)
    }

    @Test func networkRules() {
        let recorded = TestInputs(network: ["127.0.0.1:41234", "93.184.216.34:443"])
        let always = NetworkPolicy(rules: [
            .init(address: "127.0.0.1:*", action: .always, keyPath: "network.rules[0]"),
            .init(address: "*:443", action: .ignore, keyPath: "network.rules[1]"),
        ])
        #expect(
            reasons(recorded, Self.state(), always) == [
                Reason(
                    .network, locations: ["127.0.0.1:41234"],
                    detail: "it connected to 127.0.0.1:41234 (network policy network.rules[0]: always)")
            ])
        let ignoreAll = NetworkPolicy(rules: [.init(address: "*:*", action: .ignore)])
        #expect(reasons(recorded, Self.state(), ignoreAll).isEmpty)
    }

    @Test func networkWhenFilesChange() {
        let policy = NetworkPolicy(rules: [
            .init(
                address: "127.0.0.1:5432", action: .whenFilesChange(["migrations/**"]),
                keyPath: "network.rules[0]")
        ])
        let recorded = TestInputs(
            network: ["127.0.0.1:5432"], watched: ["migrations/001.sql": "m1"],
            watchPatterns: ["migrations/**"])
        #expect(reasons(recorded, Self.state(files: ["migrations/001.sql": "m1", "src/lib.rs": "s"]), policy).isEmpty)

        let edited = reasons(recorded, Self.state(files: ["migrations/001.sql": "m2"]), policy)
        #expect(
            edited == [
                Reason(
                    .network, locations: ["127.0.0.1:5432", "migrations/001.sql"],
                    detail:
                        "it connected to 127.0.0.1:5432 and migrations/001.sql changed (network policy network.rules[0]: "
                        + "when-files-change)")
            ])
        let added = reasons(
            recorded, Self.state(files: ["migrations/001.sql": "m1", "migrations/002.sql": "m"]), policy)
        #expect(added.first?.detail.contains("migrations/002.sql was added") == true)
        let removed = reasons(recorded, Self.state(), policy)
        #expect(removed.first?.detail.contains("migrations/001.sql is gone") == true)

        // The policy now watches other files than were recorded: run again to record them.
        let widened = NetworkPolicy(rules: [
            .init(
                address: "127.0.0.1:5432",
                action: .whenFilesChange(["migrations/**", "schema.sql"]))
        ])
        let reason = reasons(recorded, Self.state(files: ["migrations/001.sql": "m1"]), widened)
        #expect(reason.map(\.kind) == [.network])
        #expect(reason.first?.detail.contains("watches files not recorded when it ran: schema.sql") == true)
        // Narrowed: only the remaining patterns count.
        let narrowedRecord = TestInputs(
            network: ["127.0.0.1:5432"], watched: ["migrations/001.sql": "m1", "seed.sql": "s1"],
            watchPatterns: ["migrations/**", "seed.sql"])
        #expect(
            reasons(narrowedRecord, Self.state(files: ["migrations/001.sql": "m1", "seed.sql": "s2"]), policy).isEmpty)
    }

    @Test func incompleteInputsAreNoCoverage() {
        let recorded = TestInputs(files: ["x": "h"], problems: ["the test's process (12) left no input trace"])
        let found = reasons(recorded, Self.state(files: ["x": "h"]))
        #expect(found.map(\.kind) == [.noCoverage])
        #expect(found.first?.detail.contains("left no input trace") == true)
    }

    @Test func everyKindAtOnceInOrder() {
        let recorded = TestInputs(files: ["x": "h1"], env: ["A": "a1"], network: ["10.0.0.1:80"], problems: ["p"])
        let found = reasons(recorded, Self.state(files: ["x": "h2"], env: ["A": "a2"]))
        #expect(found.map(\.kind) == [.noCoverage, .fileChanged, .envChanged, .network])
        #expect(found.map(\.kind.rawValue) == ["no-coverage", "file-changed", "env-changed", "network"])
    }
}
