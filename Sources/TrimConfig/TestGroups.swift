import TOMLKit

/// `[test-groups.<name>] max-threads = N`: at most N of the group's tests
/// run at once. A test joins a group through an override's `test-group`;
/// the others are in `@global`, limited only by `test-threads`.
public struct TestGroup: Sendable, Hashable {
    public var name: String
    public var maxThreads: TestThreads

    /// The group every test is in unless an override says otherwise.
    public static let globalName = "@global"

    public init(name: String, maxThreads: TestThreads) {
        self.name = name
        self.maxThreads = maxThreads
    }
}

/// `threads-required`: how many of the `test-threads` slots one test takes.
public enum ThreadsRequired: Sendable, Hashable {
    /// `threads-required = N` (N ≥ 1).
    case count(Int)
    /// `"num-cpus"`: as many as the machine has CPUs.
    case numCPUs
    /// `"num-test-threads"`: all of them; the test runs alone.
    case numTestThreads

    public static let one = ThreadsRequired.count(1)

    /// Slots taken when `testThreads` tests run at once: never more than
    /// `testThreads` (a heavier test runs alone rather than never).
    public func resolved(cpuCount: Int, testThreads: Int) -> Int {
        let wanted: Int
        switch self {
        case .count(let count): wanted = count
        case .numCPUs: wanted = cpuCount
        case .numTestThreads: wanted = testThreads
        }
        return max(1, min(wanted, testThreads))
    }
}

extension ConfigReader {
    static let testGroupKeys = ["max-threads"]

    /// `[test-groups.<name>]`, each with its `max-threads`.
    func testGroups(_ root: TOMLTable) throws(ConfigError) -> [String: TestGroup] {
        guard let value = root["test-groups"] else { return [:] }
        let groups = try table(value, at: "test-groups", expected: "a table of groups ([test-groups.<name>])")
        var result: [String: TestGroup] = [:]
        for name in groups.keys.sorted() {
            let path = Self.join("test-groups", name)
            guard Self.isValidProfileName(name) else {
                throw .invalidValue(file: file, keyPath: path, value: Self.quote(name),
                                    allowed: "a group name of letters, digits, '-' and '_' (\"@global\" is built in)")
            }
            let group = try table(groups[name]!, at: path, expected: "a table ([\(path)]) with max-threads")
            try checkKeys(group, at: path, allowed: Self.testGroupKeys)
            let maxPath = Self.join(path, "max-threads")
            guard let maxValue = group["max-threads"] else {
                throw .missingKey(file: file, keyPath: maxPath,
                                  expected: "how many of the group's tests may run at once (an integer, or \"num-cpus\")")
            }
            result[name] = TestGroup(name: name, maxThreads: try testThreads(maxValue, at: maxPath))
        }
        return result
    }

    func threadsRequired(_ value: TOMLValueConvertible, at path: String) throws(ConfigError) -> ThreadsRequired {
        let allowed = "an integer (1 or more), \"num-cpus\" or \"num-test-threads\""
        if let text = value.string {
            switch text {
            case "num-cpus": return .numCPUs
            case "num-test-threads": return .numTestThreads
            default: throw .invalidValue(file: file, keyPath: path, value: Self.quote(text), allowed: allowed)
            }
        }
        return .count(try count(value, at: path, minimum: 1, allowed: allowed))
    }

    func testGroupName(_ value: TOMLValueConvertible, at path: String) throws(ConfigError) -> String {
        try string(value, at: path, expected: "the name of a group under [test-groups], or \"@global\"")
    }
}

extension TrimConfiguration {
    /// Every override's `test-group` must name a defined group (or `@global`).
    static func checkGroupReferences(_ layers: [String: ProfileLayer], groups: [String: TestGroup], file: String)
        throws(ConfigError)
    {
        for name in layers.keys.sorted() {
            for override in layers[name]!.overrides {
                guard let group = override.testGroup, group != TestGroup.globalName, groups[group] == nil else {
                    continue
                }
                let defined = groups.keys.sorted().map { "\"\($0)\"" } + ["\"@global\""]
                throw .invalidValue(file: file, keyPath: ConfigReader.join(override.keyPath, "test-group"),
                                    value: ConfigReader.quote(group),
                                    allowed: "a group defined under [test-groups]: " + defined.joined(separator: ", "))
            }
        }
    }
}
