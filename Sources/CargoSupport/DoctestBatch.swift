import Foundation

/// The selected doctests of one package, run by one `cargo test --doc`
/// instead of one each (rustdoc parses the crate, and in edition 2024
/// compiles every doctest of it, on each call). Each doctest is still its
/// own test to the runner: the first of them to start runs the batch under
/// a lock in the batch's directory and keeps cargo's report there; the
/// others wait for the lock and read their verdict from that report.
public struct DoctestBatch: Codable, Sendable, Equatable {
    public var package: String
    public var names: [String]
    public var filter: DoctestFilter
    public var cargoArguments: [String]
    public var ignored: Bool

    public init(package: String, names: [String], siblings: [String], cargoArguments: [String], ignored: Bool) {
        self.package = package
        self.names = names
        filter = DoctestFilter.selecting(names, among: siblings)
        self.cargoArguments = cargoArguments
        self.ignored = ignored
    }

    static let specFile = "batch.json", lockFile = "lock", stdoutFile = "stdout", stderrFile = "stderr"

    /// Writes the batch into `directory` (created), for `verdict(of:in:)`.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JSONEncoder().encode(self).write(to: directory.appendingPathComponent(Self.specFile), options: .atomic)
    }

    /// `name`'s verdict from the batch in `directory`, running the batch
    /// first if nobody has; nil when the batch's report does not have it
    /// (the caller then runs it alone).
    public static func verdict(of name: String, in directory: URL, cargo: String, workingDirectory: URL)
        throws(CargoError) -> DoctestRun.Verdict?
    {
        let lockPath = directory.appendingPathComponent(lockFile).path
        let lock = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { return nil }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { return nil }
        }
        defer { flock(lock, LOCK_UN) }
        let stdoutURL = directory.appendingPathComponent(stdoutFile)
        let stderrURL = directory.appendingPathComponent(stderrFile)
        if !FileManager.default.fileExists(atPath: stdoutURL.path) {
            guard let data = try? Data(contentsOf: directory.appendingPathComponent(specFile)),
                let batch = try? JSONDecoder().decode(DoctestBatch.self, from: data), batch.names.contains(name)
            else { return nil }
            let report = try DoctestRun.run(cargo: cargo, directory: workingDirectory, package: batch.package,
                                            filter: batch.filter, ignored: batch.ignored,
                                            cargoArguments: batch.cargoArguments)
            do {
                try Data(report.stderr.utf8).write(to: stderrURL, options: .atomic)
                try Data(report.stdout.utf8).write(to: stdoutURL, options: .atomic)
            } catch { return DoctestRun.verdict(of: report, name: name) }
        }
        guard let stdout = try? String(contentsOf: stdoutURL, encoding: .utf8) else { return nil }
        let stderr = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        let verdict = DoctestRun.verdict(of: DoctestRun.Report(stdout: stdout, stderr: stderr), name: name)
        return verdict.ran ? verdict : nil
    }
}
