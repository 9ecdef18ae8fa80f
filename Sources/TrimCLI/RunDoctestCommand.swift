import ArgumentParser
import CargoSupport
import Foundation
import Runner
import TrimPipeline

/// `trim run-doctest` (internal): what the runner starts for one doctest, in
/// the place of a test binary. Exits 0 when the doctest passed, 101 when not.
struct RunDoctestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-doctest", abstract: "Run one doctest (used by trim run).", shouldDisplay: false)

    @Option var package: String
    @Option var name: String
    @Option var filter: [String] = []
    @Option var skip: [String] = []
    @Flag var ignored = false
    /// Feature flags for cargo.
    @Option(parsing: .unconditionalSingleValue) var cargoArgument: [String] = []
    /// The directory of the package's batch (`DoctestBatch`), on a first attempt.
    @Option var batch: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let cargo = environment["CARGO"].flatMap({ ToolOutput.which($0) }) ?? ToolOutput.which("cargo") else {
            throw TrimError.cargo(.cargoNotFound)
        }
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        // A retry runs the doctest alone: the batch's report is the first attempt's.
        let firstAttempt = (environment[AttemptVariables.attempt] ?? "1") == "1"
        let verdict = try SignalWatch.guarding { signals throws(TrimError) in
            if let batch, firstAttempt {
                do throws(CargoError) {
                    if let verdict = try DoctestBatch.verdict(of: name, in: URL(fileURLWithPath: batch), cargo: cargo,
                                                              workingDirectory: here) {
                        return verdict
                    }
                } catch { throw .cargo(error) }
            }
            try signals.check()  // stopped: no second try
            do throws(CargoError) {
                let report = try DoctestRun.run(
                    cargo: cargo, directory: here, package: package,
                    filter: DoctestFilter(filters: filter, skips: skip), ignored: ignored, cargoArguments: cargoArgument)
                return DoctestRun.verdict(of: report, name: name)
            } catch { throw .cargo(error) }
        }
        FileHandle.standardOutput.write(Data(verdict.report.utf8))
        if !verdict.passed { throw ExitCode(101) }
    }
}
