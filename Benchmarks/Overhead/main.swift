// trim-bench-overhead: what recording costs one test process. The suite in
// overhead.rs is built twice with rustc (plain, and instrumented as trim
// records), and each test is run in its own process: plain; instrumented
// without and with a coverage dump; and instrumented + dump under each input
// tracing method (LD_PRELOAD interposer with traces on disk and on tmpfs,
// strace). Variants are interleaved in a rotating order so drift in machine
// load hits all alike; figures are medians over rounds, ratios against the
// plain process measured in the same run.
//
//     swift run -c release trim-bench-overhead [--rounds N]
import Coverage
import Foundation
import InputTracing
import ProcessSpawn
import TrimModel

struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
}

func arguments() -> (rounds: Int, keep: Bool) {
    var rounds = 7, keep = false
    var list = CommandLine.arguments.dropFirst()
    while let argument = list.popFirst() {
        switch argument {
        case "--rounds": rounds = Int(list.popFirst() ?? "") ?? rounds
        case "--keep": keep = true
        default:
            FileHandle.standardError.write(Data("usage: trim-bench-overhead [--rounds N] [--keep]\n".utf8))
            exit(2)
        }
    }
    return (max(rounds, 1), keep)
}

func check(_ step: String, _ run: () throws -> ChildProcess.Finished) throws {
    let finished = try run()
    guard finished.status == 0 else {
        throw BenchmarkFailure(description: "\(step) failed (\(finished.status)):\n"
                               + String(decoding: finished.stderr, as: UTF8.self))
    }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let (rounds, keep) = arguments()
let testNames = (0..<50).map { "tests::t\($0)" }
let sourceFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("overhead.rs")
let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-bench-overhead-\(getpid())")
defer { if !keep { try? FileManager.default.removeItem(at: root) } }

do {
    let cache = root.appendingPathComponent("cache")
    let data = root.appendingPathComponent("data")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try "data\n".write(to: data.appendingPathComponent("x.txt"), atomically: true, encoding: .utf8)
    let plain = root.appendingPathComponent("suite").path
    let instrumented = root.appendingPathComponent("suite-covered").path
    let runtime = try CoverageRuntime.library(cacheDirectory: cache)
    guard let rustc = ChildProcess.which("rustc") else { throw BenchmarkFailure(description: "rustc is not on PATH") }
    try check("rustc") {
        try ChildProcess.run(rustc, ["--edition", "2021", "--test", "-o", plain, sourceFile.path])
    }
    try check("rustc (instrumented)") {
        try ChildProcess.run(rustc, ["--edition", "2021", "--test", "-o", instrumented, sourceFile.path]
                             + SanitizerCoverage.rustcFlags(runtimeLibrary: runtime))
    }
    let tracer = try InputTracer(cacheDirectory: cache)
    let preload = tracer.method(for: instrumented)
    let disk = root.appendingPathComponent("traces")
    try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
    let memory = InputTracer.traceDirectory(fallback: root)
    defer { try? FileManager.default.removeItem(at: memory) }
    var base = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TRIM_") && $0.key != "LD_PRELOAD" }
    base["DATA"] = data.path
    base["MY_FLAG"] = "on"
    let filter = InputFilter(workspaceRoot: root, targetDirectory: nil)

    struct Variant {
        var name: String
        var executable: String
        var dump: Bool
        var method: TracingMethod
        var traces: URL
    }
    let none = TracingMethod.unavailable(reason: "not traced")
    var variants = [
        Variant(name: "plain", executable: plain, dump: false, method: none, traces: disk),
        Variant(name: "instrumented, no dump", executable: instrumented, dump: false, method: none, traces: disk),
        Variant(name: "instrumented + dump", executable: instrumented, dump: true, method: none, traces: disk),
        Variant(name: "+ preload, traces on disk", executable: instrumented, dump: true, method: preload,
                traces: disk),
        Variant(name: "+ preload, traces on \(memory.path.hasPrefix("/dev/shm") ? "tmpfs" : "disk")",
                executable: instrumented, dump: true, method: preload, traces: memory),
    ]
    if let strace = tracer.strace {
        variants.append(Variant(name: "+ strace", executable: instrumented, dump: true,
                                method: .strace(path: strace), traces: disk))
    }

    /// Milliseconds: the test's process, and reading its traces back.
    func run(_ variant: Variant, _ test: String, stem: String) throws -> (process: Double, collect: Double) {
        let session = tracer.session(method: variant.method, directory: variant.traces, stem: stem)
        var environment = session.environment(adding: base)
        if variant.dump {
            environment[SanitizerCoverage.coverageFileVariable] = variant.traces.appendingPathComponent("\(stem).%p.cov").path
        }
        let command = session.command(executable: variant.executable, arguments: ["--exact", test])
        let start = DispatchTime.now().uptimeNanoseconds
        let finished = try ChildProcess.run(command.executable, command.arguments, environment: environment,
                                            stdout: .discard, stderr: .discard)
        let middle = DispatchTime.now().uptimeNanoseconds
        guard finished.status == 0 else {
            throw BenchmarkFailure(description: "\(test) (\(variant.name)) exited \(finished.status)")
        }
        if case .unavailable = variant.method {} else {
            let inputs = session.inputs(testPID: finished.pid, testDirectory: root.path, filter: filter,
                                        environment: base)
            guard inputs.isComplete else {
                throw BenchmarkFailure(description: "\(test) (\(variant.name)): \(inputs.problems)")
            }
        }
        let end = DispatchTime.now().uptimeNanoseconds
        session.removeFiles()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: variant.traces.path)) ?? []
        where name.hasPrefix(stem + ".") {
            unlink(variant.traces.appendingPathComponent(name).path)
        }
        return (Double(middle - start) / 1e6, Double(end - middle) / 1e6)
    }

    var totals: [String: [Double]] = [:], process: [String: [Double]] = [:], collect: [String: [Double]] = [:]
    var crunch: [String: [Double]] = [:]
    for round in 0..<rounds {
        var roundTotals: [String: Double] = [:]
        for (index, test) in testNames.enumerated() {
            for offset in variants.indices {
                let variant = variants[(offset + index + round) % variants.count]
                let (p, c) = try run(variant, test, stem: "\(round)-\(index)-\(offset)")
                process[variant.name, default: []].append(p)
                collect[variant.name, default: []].append(c)
                roundTotals[variant.name, default: 0] += p + c
            }
        }
        for (name, total) in roundTotals { totals[name, default: []].append(total) }
        for variant in [variants[0], variants[2]] {
            crunch[variant.name, default: []].append(try run(variant, "tests::crunch", stem: "crunch-\(round)").process)
        }
    }

    let baseline = median(totals["plain"]!)
    print("[recording overhead] \(testNames.count) tests, one process each, \(rounds) rounds, "
          + "\(ProcessInfo.processInfo.activeProcessorCount) cores, load \(loadAverage()); medians")
    for variant in variants {
        let total = median(totals[variant.name]!)
        let label = variant.name.padding(toLength: 28, withPad: " ", startingAt: 0)
        print("  " + label + String(format: " suite %7.1f ms  %.2fx   per test: process %.2f ms, reading traces %.2f ms",
                                   total, total / baseline, median(process[variant.name]!),
                                   median(collect[variant.name]!)))
    }
    let hotPlain = median(crunch["plain"]!), hotDumped = median(crunch["instrumented + dump"]!)
    print(String(format: "  hot loop (tests::crunch): plain %.1f ms, instrumented + dump %.1f ms (%.2fx)",
                 hotPlain, hotDumped, hotDumped / hotPlain))
    // The way trim records: coverage dump + the interposer, traces on tmpfs when there is one.
    let recorded = median(totals[variants[4].name]!) / baseline
    let target = 1.3
    print(String(format: "  verdict: recording (instrumented + dump + preload) / plain = %.2fx, target <= %.1fx: %@",
                 recorded, target, (recorded <= target ? "PASS" : "MISS") as NSString))
} catch {
    FileHandle.standardError.write(Data("trim-bench-overhead: \(error)\n".utf8))
    exit(2)
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
        .joined(separator: " ") ?? "?"
}
