import Foundation
import TOMLKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a test's use of a network address means for selection, from the
/// top-level `[[network.rules]]` of `.config/trim.toml` (not per profile:
/// it describes the workspace's tests, not how a run behaves):
///
///     [[network.rules]]
///     address = "127.0.0.1:5432"                 # HOST:PORT; HOST: an IPv4 address (octets may be *),
///     when-files-change = ["migrations/**"]      #   [IPv6], localhost (any loopback) or *; PORT: a number or *;
///                                                #   or unix:PATH (a glob, * matches anything)
///     [[network.rules]]
///     address = "*:443"
///     policy = "always"                          # always | ignore | when-files-change (with the list)
///
/// The first rule whose address matches decides. Without one: loopback
/// addresses (127.0.0.0/8, ::1, 0.0.0.0, ::) and Unix sockets are `ignore`
/// (a test's own listener, a local helper), every other address `always`.
public struct NetworkPolicy: Hashable, Sendable {
    public enum Action: Hashable, Sendable, CustomStringConvertible {
        /// Re-run the test every time.
        case always
        /// The address does not select the test.
        case ignore
        /// Re-run when a workspace file matching one of these globs changed
        /// (was added, removed or edited) since the test last ran.
        case whenFilesChange([String])

        public var description: String {
            switch self {
            case .always: return "always"
            case .ignore: return "ignore"
            case .whenFilesChange(let patterns):
                return "when-files-change [" + patterns.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
            }
        }
    }

    public struct Rule: Hashable, Sendable {
        /// The address pattern as written.
        public var address: String
        public var action: Action
        /// Where it is written, e.g. `network.rules[0]`.
        public var keyPath: String

        public init(address: String, action: Action, keyPath: String = "") {
            self.address = address
            self.action = action
            self.keyPath = keyPath
        }
    }

    public var rules: [Rule]

    /// No rules: the defaults above.
    public static let builtInDefault = NetworkPolicy(rules: [])

    public init(rules: [Rule] = []) { self.rules = rules }

    /// What `endpoint` (as `InputTracing.Endpoint` writes it) means, and the
    /// rule that said so (nil: the default).
    public func decision(for endpoint: String) -> (action: Action, rule: Rule?) {
        if let rule = rules.first(where: { Self.matches($0.address, endpoint) }) { return (rule.action, rule) }
        return (Self.defaultAction(for: endpoint), nil)
    }

    /// `ignore` for loopback addresses and Unix sockets, `always` for the rest.
    public static func defaultAction(for endpoint: String) -> Action {
        if endpoint.hasPrefix("unix:") { return .ignore }
        if let (host, _) = split(endpoint), isLoopback(host) { return .ignore }
        return .always
    }

    /// The globs of the `when-files-change` rules that apply to `endpoints`
    /// (what to snapshot when a test that used them is recorded).
    public func filePatterns(for endpoints: [String]) -> [String] {
        var patterns = Set<String>()
        for endpoint in endpoints {
            if case .whenFilesChange(let globs) = decision(for: endpoint).action { patterns.formUnion(globs) }
        }
        return patterns.sorted()
    }

    // MARK: - Address patterns

    /// Why `pattern` is not a valid address pattern, or nil.
    public static func problem(with pattern: String) -> String? {
        if pattern.hasPrefix("unix:") { return pattern.count > 5 ? nil : "a unix: pattern needs a path" }
        guard let (host, port) = splitPattern(pattern) else { return "expected HOST:PORT" }
        if port != "*", Int(port).map({ !(0...65535).contains($0) }) ?? true {
            return "the port must be a number from 0 to 65535 or *"
        }
        if host == "*" || host == "localhost" { return nil }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), parseIPv6(String(host.dropFirst().dropLast())) != nil else {
                return "\(host) is not an IPv6 address in brackets"
            }
            return nil
        }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ $0 == "*" || (UInt8($0) != nil && !$0.hasPrefix("+")) }) else {
            return "\(host) is not an IPv4 address (octets may be *), [IPv6], localhost or * (host names are not "
                + "resolved: tests are seen connecting to addresses)"
        }
        return nil
    }

    /// Whether `endpoint` matches `pattern` (assumed valid).
    public static func matches(_ pattern: String, _ endpoint: String) -> Bool {
        if pattern.hasPrefix("unix:") || endpoint.hasPrefix("unix:") {
            return pattern.hasPrefix("unix:") && endpoint.hasPrefix("unix:")
                && wildcard(
                    Array(pattern.dropFirst(5).unicodeScalars)[...], Array(endpoint.dropFirst(5).unicodeScalars)[...])
        }
        guard let (patternHost, patternPort) = splitPattern(pattern), let (host, port) = split(endpoint) else {
            return false
        }
        guard patternPort == "*" || Int(patternPort) == port else { return false }
        switch patternHost {
        case "*": return true
        case "localhost": return isLoopback(host)
        default: break
        }
        if patternHost.hasPrefix("[") {
            guard host.contains(":"), let wanted = parseIPv6(String(patternHost.dropFirst().dropLast())) else {
                return false
            }
            return parseIPv6(host) == wanted
        }
        let wanted = patternHost.split(separator: ".", omittingEmptySubsequences: false)
        let actual = host.split(separator: ".", omittingEmptySubsequences: false)
        guard wanted.count == 4, actual.count == 4 else { return false }
        return zip(wanted, actual).allSatisfy { $0 == "*" || UInt8($0) == UInt8($1) }
    }

    /// `host` (brackets removed) and port of `1.2.3.4:80` / `[::1]:80`.
    static func split(_ endpoint: String) -> (host: String, port: Int)? {
        guard let (host, port) = splitPattern(endpoint), let number = Int(port) else { return nil }
        return (host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, number)
    }

    /// Host (brackets kept) and port text.
    static func splitPattern(_ text: String) -> (host: String, port: String)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = String(text[..<colon])
        let port = String(text[text.index(after: colon)...])
        guard !host.isEmpty, !port.isEmpty, !host.hasPrefix("[") || host.hasSuffix("]") else { return nil }
        if !host.hasPrefix("["), host.contains(":") { return nil }
        return (host, port)
    }

    static func isLoopback(_ host: String) -> Bool {
        host.hasPrefix("127.") || host == "0.0.0.0" || parseIPv6(host).map { $0 == loopback6 || $0 == any6 } ?? false
    }

    static let loopback6: [UInt8] = Array(repeating: 0, count: 15) + [1]
    static let any6: [UInt8] = Array(repeating: 0, count: 16)

    static func parseIPv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: address) { Array($0) }
    }

    /// `*` matches any run of characters (slashes included).
    static func wildcard(_ pattern: ArraySlice<Unicode.Scalar>, _ text: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        if first == "*" {
            var tail = text
            while true {
                if wildcard(pattern.dropFirst(), tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        }
        return text.first == first && wildcard(pattern.dropFirst(), text.dropFirst())
    }
}

/// `[inputs]` of `.config/trim.toml`: what a test's recorded inputs leave out.
///
///     [inputs]
///     ignore = ["logs/**", "tests/tmp"]   # globs, relative to the workspace root or absolute;
///                                         # the target directory is always left out
///     ignore-env = ["TERM", "CI_*"]       # variable names (a trailing * is a prefix); replaces
///                                         # the default ["TERM", "TERMINFO", "TERMINFO_DIRS"]
public struct InputSettings: Hashable, Sendable {
    public var ignore: [String]
    /// nil: the default list (`InputTracing.InputFilter.defaultIgnoredVariables`).
    public var ignoreEnv: [String]?

    public init(ignore: [String] = [], ignoreEnv: [String]? = nil) {
        self.ignore = ignore
        self.ignoreEnv = ignoreEnv
    }
}

// MARK: - Reading the sections

extension ConfigReader {
    static let inputsKeys = ["ignore", "ignore-env"]
    static let networkKeys = ["rules"]
    static let ruleKeys = ["address", "policy", "when-files-change"]
    static let policyNames = ["always", "ignore", "when-files-change"]

    func inputs(_ root: TOMLTable) throws(ConfigError) -> InputSettings {
        guard let value = root["inputs"] else { return InputSettings() }
        let table = try self.table(value, at: "inputs", expected: "a table ([inputs])")
        try checkKeys(table, at: "inputs", allowed: Self.inputsKeys)
        var settings = InputSettings()
        if let value = table["ignore"] {
            settings.ignore = try strings(value, at: "inputs.ignore", what: "a glob such as \"logs/**\"")
        }
        if let value = table["ignore-env"] {
            let names = try strings(
                value, at: "inputs.ignore-env", what: "a variable name such as \"TERM\" or \"CI_*\"")
            for (index, name) in names.enumerated()
            where name.contains("=") || name.dropLast().contains("*") {
                throw .invalidValue(
                    file: file, keyPath: "inputs.ignore-env[\(index)]", value: Self.quote(name),
                    allowed: "a variable name, or a prefix followed by * (\"CI_*\")")
            }
            settings.ignoreEnv = names
        }
        return settings
    }

    func network(_ root: TOMLTable) throws(ConfigError) -> NetworkPolicy {
        guard let value = root["network"] else { return .builtInDefault }
        let table = try self.table(value, at: "network", expected: "a table ([network] or [[network.rules]])")
        try checkKeys(table, at: "network", allowed: Self.networkKeys)
        guard let rulesValue = table["rules"] else { return .builtInDefault }
        guard let array = rulesValue.array else {
            throw .wrongType(
                file: file, keyPath: "network.rules", found: Self.describe(rulesValue),
                expected: "an array of tables ([[network.rules]] blocks)")
        }
        var rules: [NetworkPolicy.Rule] = []
        for index in 0..<array.count {
            let path = "network.rules[\(index)]"
            let item = try self.table(array[index], at: path, expected: "a table (a [[network.rules]] block)")
            rules.append(try rule(item, at: path))
        }
        return NetworkPolicy(rules: rules)
    }

    func rule(_ table: TOMLTable, at path: String) throws(ConfigError) -> NetworkPolicy.Rule {
        try checkKeys(table, at: path, allowed: Self.ruleKeys)
        let addressPath = Self.join(path, "address")
        let addressExpected =
            "an address pattern such as \"127.0.0.1:5432\", \"*:443\", \"localhost:*\" or "
            + "\"unix:/run/*.sock\""
        guard let addressValue = table["address"] else {
            throw .missingKey(file: file, keyPath: addressPath, expected: addressExpected)
        }
        let address = try string(addressValue, at: addressPath, expected: addressExpected)
        if let problem = NetworkPolicy.problem(with: address) {
            throw .invalidValue(
                file: file, keyPath: addressPath, value: Self.quote(address),
                allowed: "\(addressExpected) (\(problem))")
        }
        let policyPath = Self.join(path, "policy")
        let policyExpected = "one of " + Self.policyNames.map { "\"\($0)\"" }.joined(separator: ", ")
        let policy = try table["policy"].map { (value) throws(ConfigError) -> String in
            let name = try string(value, at: policyPath, expected: policyExpected)
            guard Self.policyNames.contains(name) else {
                throw .invalidValue(file: file, keyPath: policyPath, value: Self.quote(name), allowed: policyExpected)
            }
            return name
        }
        let filesPath = Self.join(path, "when-files-change")
        if let value = table["when-files-change"] {
            if let policy, policy != "when-files-change" {
                throw .conflictingKeys(
                    file: file, keyPath: path, keys: ["policy = \"\(policy)\"", "when-files-change"])
            }
            let patterns = try strings(value, at: filesPath, what: "a glob such as \"migrations/**\"")
            guard !patterns.isEmpty else {
                throw .invalidValue(
                    file: file, keyPath: filesPath, value: "[]",
                    allowed: "at least one glob such as \"migrations/**\"")
            }
            return NetworkPolicy.Rule(address: address, action: .whenFilesChange(patterns), keyPath: path)
        }
        switch policy {
        case "always": return NetworkPolicy.Rule(address: address, action: .always, keyPath: path)
        case "ignore": return NetworkPolicy.Rule(address: address, action: .ignore, keyPath: path)
        case "when-files-change":
            throw .missingKey(
                file: file, keyPath: filesPath,
                expected: "the globs of the files whose change re-runs the test (e.g. [\"migrations/**\"])")
        default:
            throw .missingKey(
                file: file, keyPath: policyPath,
                expected: policyExpected + ", or when-files-change = [globs]")
        }
    }

    /// An array of non-empty strings.
    func strings(_ value: TOMLValueConvertible, at path: String, what: String) throws(ConfigError) -> [String] {
        guard let array = value.array else {
            throw .wrongType(
                file: file, keyPath: path, found: Self.describe(value), expected: "an array of strings (\(what))")
        }
        var result: [String] = []
        for index in 0..<array.count {
            let itemPath = "\(path)[\(index)]"
            let text = try string(array[index], at: itemPath, expected: what)
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .invalidValue(file: file, keyPath: itemPath, value: "\"\"", allowed: what)
            }
            result.append(text)
        }
        return result
    }
}
