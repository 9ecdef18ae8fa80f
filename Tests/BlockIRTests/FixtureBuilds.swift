import BlockIR
import Foundation
import Testing
import ProcessSpawn

/// Compiles real fixtures with the real toolchains (rustc, clang-22) into a
/// private temporary directory, and diffs them through the real worker.
struct FixtureBuilds {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("trim-blockir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// Writes `files` (relative path → content) into `name/` and returns that directory.
    @discardableResult
    func write(_ name: String, _ files: [String: String]) throws -> URL {
        let dir = root.appendingPathComponent(name)
        for (path, content) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    /// `rustc --emit=llvm-bc` of `src/lib.rs` inside `name/` (debug profile,
    /// relative source path as cargo gives it); returns the .bc path.
    func rust(_ name: String, _ source: String, extraFiles: [String: String] = [:], test: Bool = false,
              crateName: String = "fx", extraArguments: [String] = []) throws -> String {
        let dir = try write(name, extraFiles.merging(["src/lib.rs": source]) { a, _ in a })
        let output = dir.appendingPathComponent("\(crateName).bc").path
        var arguments = ["--edition", "2021", "--crate-name", crateName, "-g", "-C", "debug-assertions=on",
                         "--emit=llvm-bc", "-o", output]
        arguments += test ? ["--test"] : ["--crate-type", "lib"]
        try run("rustc", arguments + extraArguments + ["src/lib.rs"], in: dir)
        return output
    }

    /// `clang-22 -emit-llvm -c -g` of `name/main.c`; returns the .bc path.
    func c(_ name: String, _ source: String) throws -> String {
        let dir = try write(name, ["main.c": source])
        let output = dir.appendingPathComponent("main.bc").path
        try run("clang-22", ["-emit-llvm", "-c", "-g", "-O0", "-o", output, "main.c"], in: dir)
        return output
    }

    func run(_ tool: String, _ arguments: [String], in dir: URL) throws {
        let finished = try ChildProcess.run("/usr/bin/env", [tool] + arguments, directory: dir.path, stdout: .inherit)
        guard finished.status == 0 else {
            let message = String(decoding: finished.stderr, as: UTF8.self)
            throw FixtureError(description: "\(tool) \(arguments.joined(separator: " ")) failed:\n\(message)")
        }
    }

    var engine: BlockDiffEngine {
        get throws {
            let cache = FingerprintCache(directory: root.appendingPathComponent("cache"))
            return BlockDiffEngine(fingerprinter: Fingerprinter(cache: cache, reader: try IsolatedReader()))
        }
    }

    func diff(_ old: String, _ new: String) throws -> BitcodeDiff {
        try engine.diff(old: old, new: new)
    }

    func fingerprint(_ path: String) throws -> ModuleFingerprint {
        let cache = FingerprintCache(directory: root.appendingPathComponent("cache"))
        return try Fingerprinter(cache: cache, reader: try IsolatedReader()).fingerprint(try BitcodeFile(path: path))
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

extension BitcodeDiff {
    func function(named name: String) -> FunctionChange? {
        functions.first { $0.name == name }
    }

    var names: Set<String> { Set(functions.map(\.name)) }
}
