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
//
// Exit status 2, with a message, on bad arguments or a file that cannot be written.
import Foundation

func run(_ arguments: [String]) throws(GenerateError) {
    guard let command = arguments.first else { throw .usage("expected blockdiff-crate, shop-workspace, many-tests-crate, slow-suite or replace") }
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
    case "replace":
        guard rest.count == 3 else { throw .usage("replace: expected FILE FROM TO") }
        try replaceFirst(in: rest[0], rest[1], with: rest[2])
    default:
        throw .usage("unknown command '\(command)': expected blockdiff-crate, shop-workspace, many-tests-crate, slow-suite or replace")
    }
}

func replaceFirst(in path: String, _ from: String, with to: String) throws(GenerateError) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw .cannotWrite(path: path, reason: "cannot read it as UTF-8 text")
    }
    guard let range = text.range(of: from) else { throw .textNotFound(path: path, text: from) }
    do {
        try Data(text.replacingCharacters(in: range, with: to).utf8).write(to: URL(fileURLWithPath: path))
    } catch {
        throw .cannotWrite(path: path, reason: "\(error)")
    }
}

do {
    try run(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("trim-bench-generate: \(error)\n".utf8))
    exit(2)
}
