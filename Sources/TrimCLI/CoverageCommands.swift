import ArgumentParser
import Editor
import Foundation

/// Where the workspace and its database are, for commands that only read.
struct ReadWorkspaceArguments: ParsableArguments {
    @Option(name: [.customShort("C"), .long],
            help: "Run as if trim were started in this directory (default: the current directory).")
    var directory: String?

    @Option(help: "The database (default: $TRIM_DB, else <target>/trim/trim.db).")
    var db: String?

    func open() throws -> EditorWorkspace {
        let directory = directory.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let database = db ?? ProcessInfo.processInfo.environment["TRIM_DB"].flatMap { $0.isEmpty ? nil : $0 }
        return try EditorWorkspace.open(directory: directory, database: database)
    }
}

struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "List the tests that executed each line of FILE, or one line (from the last recorded run).")

    @Argument(help: "FILE or FILE:LINE (relative to the current directory, or absolute).")
    var location: String

    @OptionGroup var workspace: ReadWorkspaceArguments

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let (file, line) = try Self.split(location)
        let opened = try workspace.open()
        let relative = try opened.relativePath(file)
        let index = try opened.coverage()
        print(CoverageReport.lines(index, file: relative, line: line, json: json), terminator: "")
    }

    static func split(_ text: String) throws(EditorError) -> (String, UInt32?) {
        guard let colon = text.lastIndex(of: ":") else { return (text, nil) }
        let number = text[text.index(after: colon)...]
        guard let line = UInt32(number), line > 0, colon != text.startIndex else { throw .badLocation(text) }
        return (String(text[..<colon]), line)
    }
}

struct PathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Print the files and line ranges TEST executed in its last recorded run.")

    @Argument(help: "The test: 'BINARY NAME' as `trim list` prints it, or a name only one test has.")
    var test: String

    @OptionGroup var workspace: ReadWorkspaceArguments

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        let index = try workspace.open().coverage()
        print(CoverageReport.path(try index.test(named: test), json: json), terminator: "")
    }
}
