import ArgumentParser
import BlockDiffReport
import BlockIR
import Foundation

/// `blockdiff OLD NEW`: parses arguments and calls the libraries; nothing else.
struct BlockDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blockdiff",
        abstract: "Report which functions and basic blocks changed between two builds' LLVM bitcode.",
        discussion: """
            OLD and NEW are each a .bc file or a directory of them (modules paired by file name, \
            then by crate name). Exit status: 0 nothing changed, 1 something changed, 2 error.
            """)

    @Argument(help: "The old build: a .bc file or a directory of .bc files.")
    var old: String

    @Argument(help: "The new build: a .bc file or a directory of .bc files.")
    var new: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(help: "Where fingerprints are cached (default: $TRIM_CACHE_DIR, else ~/.cache/trim).")
    var cacheDir: String?

    @Option(name: .shortAndLong, help: "Files parsed at once (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Print to stderr how many files came from the cache and how many were parsed.")
    var verbose = false

    mutating func run() throws {
        let cache = FingerprintCache(
            directory: cacheDir.map { URL(fileURLWithPath: $0) } ?? FingerprintCache.defaultDirectory())
        let fingerprinter = Fingerprinter(
            cache: cache, reader: try IsolatedReader(),
            parallelism: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let diff = try BlockDiffEngine(fingerprinter: fingerprinter).diff(old: old, new: new)
        print(json ? DiffJSONPrinter.render(diff) : DiffTextPrinter.render(diff), terminator: "")
        if verbose {
            let stats = fingerprinter.statistics
            FileHandle.standardError.write(Data("blockdiff: \(stats.cached) from cache, \(stats.parsed) parsed\n".utf8))
        }
        if !diff.isEmpty { throw ExitCode(1) }
    }
}
