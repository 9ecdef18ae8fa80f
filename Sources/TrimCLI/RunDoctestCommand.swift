import ArgumentParser
import CargoSupport
import Foundation
import TrimPipeline

/// `trim run-doctest` (internal): what the runner starts for one doctest, in
/// the place of a test binary. Exits 0 when the doctest passed, 101 when not.
struct RunDoctestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-doctest", abstract: "Run one doctest (used by trim run).", shouldDisplay: false)

    @Option var package: String
    @Option var name: String
    @Option var filter: String
    @Option var skip: [String] = []
    @Flag var ignored = false
    /// Feature flags for cargo.
    @Option(parsing: .unconditionalSingleValue) var cargoArgument: [String] = []

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let cargo = environment["CARGO"].flatMap({ ToolOutput.which($0) }) ?? ToolOutput.which("cargo") else {
            throw TrimError.cargo(.cargoNotFound)
        }
        let verdict = try SignalWatch.guarding { _ throws(TrimError) in
            do throws(CargoError) {
                return try DoctestRun.run(
                    cargo: cargo, directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                    package: package, name: name, filter: DoctestFilter(filter: filter, skips: skip),
                    ignored: ignored, cargoArguments: cargoArgument)
            } catch { throw .cargo(error) }
        }
        FileHandle.standardOutput.write(Data(verdict.report.utf8))
        if !verdict.passed { throw ExitCode(101) }
    }
}
