// The benchmarks' generated Rust, from the templates in Templates/:
//
//   trim-bench-generate blockdiff-crate --modules N DIR
//       the crate of Benchmarks/blockdiff-bench.sh (DIR/src/lib.rs, m000.rs ...)
//   trim-bench-generate shop-workspace --modules N --mutate I DIR
//       the workspace `shop` of Benchmarks/trim-run-bench.sh (N of 1...12 modules;
//       module I carries the line the benchmark changes)
//   trim-bench-generate many-tests-crate --modules N DIR
//       gen3000 of Benchmarks/incremental-bench.sh (N = 30): N modules of five
//       functions and 100 tests each
//   trim-bench-generate slow-suite --packages P --tests T --millis M DIR
//       the workspace `slow` of Benchmarks/incremental-bench.sh (5, 12, 400):
//       P packages of T tests that each sleep M ms
//   trim-bench-generate replace FILE FROM TO
//       replaces the first occurrence of the text FROM in FILE by TO (the
//       benchmarks' one-line edits); FROM must occur
//   trim-bench-generate replace-all FILE FROM TO
//       replaces every occurrence (at least one) of FROM
//   trim-bench-generate before-last-brace FILE
//       puts standard input (without its trailing newlines) and a newline
//       before the last `}` of FILE, which only whitespace may follow (the end
//       of a test module); the file then ends in "}\n"
//   (the edits of the scripted histories, Benchmarks/history-lib.sh)
//
// Exit status 2, with a message, on bad arguments or a file that cannot be written.
import Foundation

func run(_ arguments: [String]) throws(GenerateError) {
    guard let command = arguments.first else { throw .usage("expected blockdiff-crate, shop-workspace, many-tests-crate, slow-suite, replace, replace-all or before-last-brace") }
    var rest = Array(arguments.dropFirst())
    func option(_ name: String, in range: ClosedRange<Int>) throws(GenerateError) -> Int {
        guard let at = rest.firstIndex(of: name), at + 1 < rest.count else { throw .usage("\(command): \(name) N is required") }
        guard let value = Int(rest[at + 1]), range.contains(value) else {
            throw .usage("\(command): \(name) must be a number in \(range.lowerBound)...\(range.upperBound), got '\(rest[at + 1])'")
        }
        rest.removeSubrange(at...(at + 1))
        return value
    }
    func directory() throws(GenerateError) -> URL {
        guard rest.count == 1, !rest[0].hasPrefix("-") else { throw .usage("\(command): expected one output directory, got \(rest)") }
        return URL(fileURLWithPath: rest[0], isDirectory: true)
    }
    switch command {
    case "blockdiff-crate":
        let modules = try option("--modules", in: 1...999)
        try BlockdiffCrate(moduleCount: modules).write(to: directory())
    case "shop-workspace":
        let modules = try option("--modules", in: 1...ShopWorkspace.moduleNames.count)
        let mutated = try option("--mutate", in: 0...(modules - 1))
        try ShopWorkspace(moduleCount: modules, mutatedModule: mutated).write(to: directory())
    case "many-tests-crate":
        let modules = try option("--modules", in: 1...999)
        try ManyTestsCrate(moduleCount: modules).write(to: directory())
    case "slow-suite":
        let packages = try option("--packages", in: 1...99)
        let tests = try option("--tests", in: 1...999)
        let millis = try option("--millis", in: 0...60_000)
        try SlowSuite(packageCount: packages, testCount: tests, millis: millis).write(to: directory())
    case "replace", "replace-all":
        guard rest.count == 3 else { throw .usage("\(command): expected FILE FROM TO") }
        try edit(rest[0]) { text throws(GenerateError) in
            try replacing(rest[1], with: rest[2], in: text, all: command == "replace-all", path: rest[0])
        }
    case "before-last-brace":
        guard rest.count == 1 else { throw .usage("before-last-brace: expected FILE (the text on standard input)") }
        var insertion = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        while insertion.hasSuffix("\n") { insertion.removeLast() }
        try edit(rest[0]) { text throws(GenerateError) in try beforeLastBrace(insertion, in: text, path: rest[0]) }
    default:
        throw .usage("unknown command '\(command)': expected blockdiff-crate, shop-workspace, many-tests-crate, slow-suite, replace, replace-all or before-last-brace")
    }
}

do {
    try run(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("trim-bench-generate: \(error)\n".utf8))
    exit(2)
}
