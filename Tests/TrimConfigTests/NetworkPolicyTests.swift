import Foundation
import Testing

@testable import TrimConfig

/// `[[network.rules]]` and `[inputs]`: parsing, errors, address matching, defaults.
@Suite struct NetworkPolicyTests {
    func configuration(_ text: String) throws -> TrimConfiguration {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write(text)
        return try workspace.load()
    }

    func error(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ConfigError? {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let error = try workspace.loadError(text, sourceLocation: sourceLocation)
        if let error {
            #expect(error.description.hasPrefix(workspace.configFile.path), sourceLocation: sourceLocation)
        }
        return error
    }

    @Test func rulesAndInputsParse() throws {
        let configuration = try configuration(
            """
            [inputs]
            ignore = ["logs/**", "/etc/app"]
            ignore-env = ["CI_*", "TERM"]

            [[network.rules]]
            address = "127.0.0.1:5432"
            when-files-change = ["migrations/**", "schema.sql"]

            [[network.rules]]
            address = "*:443"
            policy = "ignore"

            [[network.rules]]
            address = "localhost:*"
            policy = "always"

            [profile.default]
            retries = 1
            """)
        #expect(configuration.inputs == InputSettings(ignore: ["logs/**", "/etc/app"], ignoreEnv: ["CI_*", "TERM"]))
        #expect(
            configuration.network.rules == [
                .init(
                    address: "127.0.0.1:5432", action: .whenFilesChange(["migrations/**", "schema.sql"]),
                    keyPath: "network.rules[0]"),
                .init(address: "*:443", action: .ignore, keyPath: "network.rules[1]"),
                .init(address: "localhost:*", action: .always, keyPath: "network.rules[2]"),
            ])
        #expect(try configuration.profile().retryPolicy.count == 1)
    }

    @Test func withoutTheSectionsTheDefaultsHold() throws {
        let configuration = try configuration("[profile.default]\nretries = 0\n")
        #expect(configuration.network == .builtInDefault)
        #expect(configuration.inputs == InputSettings())
        #expect(configuration.inputs.ignoreEnv == nil)
        let builtIn = TrimConfiguration.builtIn(workspaceRoot: URL(fileURLWithPath: "/ws"))
        #expect(builtIn.network.rules.isEmpty && builtIn.inputs.ignore.isEmpty)
    }

    @Test func defaultsByAddress() {
        let policy = NetworkPolicy.builtInDefault
        #expect(policy.decision(for: "93.184.216.34:443").action == .always)
        #expect(policy.decision(for: "[2001:db8::1]:443").action == .always)
        #expect(policy.decision(for: "127.0.0.1:5432").action == .ignore)
        #expect(policy.decision(for: "127.0.0.53:53").action == .ignore)
        #expect(policy.decision(for: "[::1]:8080").action == .ignore)
        #expect(policy.decision(for: "0.0.0.0:80").action == .ignore)
        #expect(policy.decision(for: "unix:/run/postgresql/.s.PGSQL.5432").action == .ignore)
        #expect(policy.decision(for: "127.0.0.1:5432").rule == nil)
    }

    @Test func firstMatchingRuleDecides() {
        let policy = NetworkPolicy(rules: [
            .init(address: "127.0.0.1:5432", action: .whenFilesChange(["migrations/**"])),
            .init(address: "10.0.*.*:*", action: .ignore),
            .init(address: "localhost:*", action: .always),
            .init(address: "[2001:db8::1]:443", action: .ignore),
            .init(address: "unix:/run/postgresql/*", action: .always),
        ])
        #expect(policy.decision(for: "127.0.0.1:5432").action == .whenFilesChange(["migrations/**"]))
        #expect(policy.decision(for: "127.0.0.1:5432").rule?.address == "127.0.0.1:5432")
        #expect(policy.decision(for: "127.0.0.1:6379").action == .always)
        #expect(policy.decision(for: "[::1]:80").action == .always)
        #expect(policy.decision(for: "10.0.3.4:22").action == .ignore)
        #expect(policy.decision(for: "10.1.3.4:22").action == .always)  // the default
        #expect(policy.decision(for: "[2001:db8:0::1]:443").action == .ignore)
        #expect(policy.decision(for: "unix:/run/postgresql/.s.PGSQL.5432").action == .always)
        #expect(policy.decision(for: "unix:/tmp/x.sock").action == .ignore)
        #expect(policy.filePatterns(for: ["127.0.0.1:5432", "10.0.0.1:1"]) == ["migrations/**"])
        #expect(policy.filePatterns(for: ["127.0.0.1:6379"]).isEmpty)
    }

    @Test func addressPatterns() {
        for valid in [
            "127.0.0.1:5432", "*:443", "localhost:*", "10.*.*.*:80", "[::1]:80", "[2001:db8::1]:*",
            "unix:/run/*.sock", "*:*",
        ] {
            #expect(NetworkPolicy.problem(with: valid) == nil, "\(valid)")
        }
        for invalid in [
            "127.0.0.1", "db.example.com:5432", "1.2.3:80", "1.2.3.256:80", "[::1:80", "[zz]:80",
            "*:70000", "*:http", "unix:", ":80", "::1:80",
        ] {
            #expect(NetworkPolicy.problem(with: invalid) != nil, "\(invalid)")
        }
        #expect(NetworkPolicy.matches("*:443", "[2001:db8::1]:443"))
        #expect(!NetworkPolicy.matches("*:443", "unix:/x"))
        #expect(!NetworkPolicy.matches("127.0.0.1:*", "[::1]:80"))
        #expect(NetworkPolicy.matches("localhost:80", "127.9.9.9:80"))
    }

    @Test(arguments: [
        ("[[network.rules]]\npolicy = \"always\"\n", "missingKey", "network.rules[0].address"),
        (
            "[[network.rules]]\naddress = \"db.example.com:5432\"\npolicy = \"always\"\n", "invalidValue",
            "network.rules[0].address"
        ),
        ("[[network.rules]]\naddress = \"*:443\"\n", "missingKey", "network.rules[0].policy"),
        ("[[network.rules]]\naddress = \"*:443\"\npolicy = \"sometimes\"\n", "invalidValue", "network.rules[0].policy"),
        (
            "[[network.rules]]\naddress = \"*:443\"\npolicy = \"when-files-change\"\n", "missingKey",
            "network.rules[0].when-files-change"
        ),
        (
            "[[network.rules]]\naddress = \"*:443\"\npolicy = \"always\"\nwhen-files-change = [\"a\"]\n",
            "conflictingKeys", "network.rules[0]"
        ),
        (
            "[[network.rules]]\naddress = \"*:443\"\nwhen-files-change = []\n", "invalidValue",
            "network.rules[0].when-files-change"
        ),
        (
            "[[network.rules]]\naddress = \"*:443\"\nwhen-files-change = \"migrations/**\"\n", "wrongType",
            "network.rules[0].when-files-change"
        ),
        (
            "[[network.rules]]\naddress = \"*:443\"\npolicy = \"ignore\"\nport = 1\n", "unknownKey",
            "network.rules[0].port"
        ),
        ("[network]\nrules = { address = \"*:443\" }\n", "wrongType", "network.rules"),
        ("[network]\ndefault = \"always\"\n", "unknownKey", "network.default"),
        ("network = 1\n", "wrongType", "network"),
        ("[inputs]\nignore = \"logs\"\n", "wrongType", "inputs.ignore"),
        ("[inputs]\nignore = [\"\"]\n", "invalidValue", "inputs.ignore[0]"),
        ("[inputs]\nignore-env = [\"A=B\"]\n", "invalidValue", "inputs.ignore-env[0]"),
        ("[inputs]\nignore-env = [\"*_X\"]\n", "invalidValue", "inputs.ignore-env[0]"),
        ("[inputs]\nfiles = []\n", "unknownKey", "inputs.files"),
    ])
    func errorsNameTheKey(_ text: String, _ kind: String, _ keyPath: String) throws {
        guard let error = try error(text) else { return }
        #expect(Mirror(reflecting: error).children.first?.label == kind, "\(error)")
        #expect(error.keyPath == keyPath, "\(error)")
        #expect(error.description.contains(keyPath))
    }

    @Test func addressErrorSaysWhy() throws {
        let error = try error("[[network.rules]]\naddress = \"db.example.com:5432\"\npolicy = \"always\"\n")
        #expect(error?.description.contains("host names are not resolved") == true, "\(String(describing: error))")
    }
}
