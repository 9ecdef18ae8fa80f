import Foundation

/// The part of `hyperfine --export-json` the benchmarks read: per command
/// (named with `-n`), the wall time and exit status of every run, and the
/// user and system seconds.
struct HyperfineExport: Decodable {
    struct Result: Decodable {
        let command: String
        let times: [Double]
        let user: Double
        let system: Double
        let exit_codes: [Int?]
    }

    let results: [Result]

    static func read(_ path: String) throws(StatsError) -> HyperfineExport {
        do {
            return try JSONDecoder().decode(HyperfineExport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// Fails naming the command when a run exited with more than `highest`
    /// (blockdiff and llvm-diff exit 1 for "the files differ"), or was killed.
    func checkExitCodes(atMost highest: Int, path: String) throws(StatsError) {
        for result in results {
            for code in result.exit_codes where (code ?? Int.max) > highest {
                throw .failed(command: result.command, status: code ?? -1, path: path)
            }
        }
    }
}

/// One command's runs gathered from the exports of every round (each round
/// runs each command once, so the rounds interleave the commands).
struct CommandRuns {
    var wall: [Double] = []
    /// user + system seconds per export (with one run per round: per run).
    var cpu: [Double] = []

    init(named command: String, in paths: [String]) throws(StatsError) {
        for path in paths {
            for result in try HyperfineExport.read(path).results where result.command == command {
                wall += result.times
                cpu.append(result.user + result.system)
            }
        }
        guard !wall.isEmpty else { throw .noRuns(command: command, path: paths.joined(separator: " ")) }
    }
}
