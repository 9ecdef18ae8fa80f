import Foundation
import ProcessSpawn
import Testing

/// The real `trim` executable's answers to its command line: a subcommand
/// is parsed directly when it parses (`TrimCommand.parsedDirectly`), and
/// everything ArgumentParser answers itself, or refuses, reads as it does
/// through the root command, naming `trim`.
@Suite struct CommandLineTests {
    static func trim(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let directory = FileManager.default.temporaryDirectory.path
        let finished = try ChildProcess.run(ExampleWorkspace.binDirectory.appendingPathComponent("trim").path, arguments,
                                            directory: directory)
        return (finished.status, String(decoding: finished.stdout, as: UTF8.self),
                String(decoding: finished.stderr, as: UTF8.self))
    }

    @Test(arguments: [["run", "--help"], ["run", "-h"], ["plan", "--help"], ["coverage", "--help"], ["help", "run"]])
    func helpNamesTrim(arguments: [String]) throws {
        let answer = try Self.trim(arguments)
        #expect(answer.status == 0, "\(answer.stderr)")
        let subcommand = arguments.first == "help" ? arguments[1] : arguments[0]
        #expect(answer.stdout.contains("USAGE: trim \(subcommand)"), "\(answer.stdout)")
    }

    @Test func mistakesAreRefusedWithExitTwoNamingTheArgument() throws {
        let unknown = try Self.trim(["run", "--no-such-option"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--no-such-option"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("trim run"), "usage through the root: \(unknown.stderr)")

        let invalid = try Self.trim(["run", "--retries=-1", "-j", "2"])
        #expect(invalid.status == 2)
        #expect(invalid.stderr.contains("--retries must be 0 or more"), "\(invalid.stderr)")

        // Parsed directly, then refused by the command itself: the same error as through the root.
        let partition = try Self.trim(["run", "--workspace", "-j", "2", "--no-progress", "--partition", "count:9/1"])
        #expect(partition.status == 2)
        #expect(partition.stderr.contains("count:9/1") || partition.stderr.contains("partition"), "\(partition.stderr)")
    }
}
