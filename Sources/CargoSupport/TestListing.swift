import Foundation

/// One test inside a test binary, as libtest lists it.
public struct ListedTest: Sendable, Hashable {
    public var binary: String
    public var name: String
    public var ignored: Bool

    public init(binary: String, name: String, ignored: Bool) {
        self.binary = binary
        self.name = name
        self.ignored = ignored
    }
}

public enum TestListing {
    /// Each test once, with whether it is `#[ignore]`d. One run of the binary
    /// when its libtest lists as JSON (`--format json`, which stable libtest
    /// accepts with `RUSTC_BOOTSTRAP=1` in its environment, and only for this
    /// listing); otherwise two: `--list --format terse`, then `--ignored`.
    public static func list(_ binary: TestBinary, extraEnvironment: [String: String] = [:]) throws(CargoError)
        -> [ListedTest]
    {
        let jsonEnvironment = extraEnvironment.merging(["RUSTC_BOOTSTRAP": "1"]) { _, new in new }
        if let output = try? run(binary, ["--list", "--format", "json", "-Z", "unstable-options"], jsonEnvironment),
           output.status == 0, let listed = parse(json: output.stdout)
        {
            return listed.map { ListedTest(binary: binary.id, name: $0.name, ignored: $0.ignored) }
        }
        let all = try names(binary, ["--list", "--format", "terse"], extraEnvironment)
        let ignored = Set(try names(binary, ["--list", "--format", "terse", "--ignored"], extraEnvironment))
        return all.map { ListedTest(binary: binary.id, name: $0, ignored: ignored.contains($0)) }
    }

    private static func run(_ binary: TestBinary, _ arguments: [String], _ extra: [String: String])
        throws(CargoError) -> CapturedProcess.Output
    {
        var environment = ProcessInfo.processInfo.environment.merging(binary.environment) { _, new in new }
        environment.merge(extra) { _, new in new }
        return try CapturedProcess(executable: binary.executable, arguments: arguments,
                                   directory: URL(fileURLWithPath: binary.packageDirectory),
                                   environment: environment).run()
    }

    /// libtest's JSON listing: a `discovered` event per test (benchmarks are
    /// not tests), then `completed` with the counts (its `ignored` counts
    /// ignored benchmarks too). Anything else on stdout,
    /// or counts that disagree with the events, gives nil: the caller lists
    /// the terse way instead, never with a test missing or its flag guessed.
    static func parse(json: Data) -> [(name: String, ignored: Bool)]? {
        var tests: [(name: String, ignored: Bool)] = []
        var completed: (tests: Int, ignored: Int)?
        var ignoredBenchmarks = 0
        let lines: [[String: FlatJSONObject.Value]?] = json.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var events: [[String: FlatJSONObject.Value]?] = []
            var start = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if !line.allSatisfy({ $0 == UInt8(ascii: " ") }) { events.append(FlatJSONObject.parse(line)) }
                start = end + 1
            }
            return events
        }
        for parsed in lines {
            guard completed == nil, let event = parsed,
                  case .string(let type)? = event["type"], case .string(let kind)? = event["event"]
            else { return nil }
            switch (type, kind) {
            case ("suite", "discovery"): continue
            case ("test", "discovered"):
                guard case .string(let name)? = event["name"], case .bool(let ignored)? = event["ignore"] else {
                    return nil
                }
                tests.append((name, ignored))
            case ("benchmark", "discovered"), ("bench", "discovered"):
                if event["ignore"] == .bool(true) { ignoredBenchmarks += 1 }
            case ("suite", "completed"):
                guard case .integer(let count)? = event["tests"], case .integer(let ignored)? = event["ignored"] else {
                    return nil
                }
                completed = (count, ignored)
            default: return nil
            }
        }
        guard let completed, completed.tests == tests.count,
              completed.ignored == tests.filter(\.ignored).count + ignoredBenchmarks else { return nil }
        return tests
    }

    private static func names(_ binary: TestBinary, _ arguments: [String], _ extra: [String: String])
        throws(CargoError) -> [String]
    {
        let output = try run(binary, arguments, extra)
        guard output.status == 0 else {
            throw .listingFailed(binary: binary.id, status: output.status,
                                 output: String(decoding: output.stderr + output.stdout, as: UTF8.self))
        }
        return parse(terse: String(decoding: output.stdout, as: UTF8.self))
    }

    /// Lines `name: test`; benchmarks (`name: bench`) are not tests.
    static func parse(terse: String) -> [String] {
        terse.split(separator: "\n").compactMap { line in
            guard line.hasSuffix(": test") else { return nil }
            return String(line.dropLast(": test".count))
        }
    }
}
