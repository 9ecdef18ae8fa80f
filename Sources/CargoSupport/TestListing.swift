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
    /// `<exe> --list --format terse`, then `--ignored` to mark the ignored ones.
    public static func list(_ binary: TestBinary, extraEnvironment: [String: String] = [:]) throws(CargoError)
        -> [ListedTest]
    {
        let all = try names(binary, ["--list", "--format", "terse"], extraEnvironment)
        let ignored = Set(try names(binary, ["--list", "--format", "terse", "--ignored"], extraEnvironment))
        return all.map { ListedTest(binary: binary.id, name: $0, ignored: ignored.contains($0)) }
    }

    private static func names(_ binary: TestBinary, _ arguments: [String], _ extra: [String: String])
        throws(CargoError) -> [String]
    {
        var environment = ProcessInfo.processInfo.environment.merging(binary.environment) { _, new in new }
        environment.merge(extra) { _, new in new }
        let output = try CapturedProcess(executable: binary.executable, arguments: arguments,
                                         directory: URL(fileURLWithPath: binary.packageDirectory),
                                         environment: environment).run()
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
