// trim-bench-parse [--repeat N] FILE.bc... — the "bare LLVM parse, same
// process" baseline for Benchmarks/blockdiff-bench.sh. Each file is parsed N
// times with trim_parse_only (read, parse, discard; no hashing) and the median
// wall time is printed, one line per file:
//
//     <median seconds> <min seconds> <max seconds> <path>
//
// Exit status 1 if any file fails to parse (the message goes to stderr).
import CLLVMShim
import Foundation

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

var arguments = Array(CommandLine.arguments.dropFirst())
var repeats = 3
var paths: [String] = []
while let argument = arguments.first {
    arguments.removeFirst()
    if argument == "--repeat" || argument == "-n" {
        guard let value = arguments.first.flatMap({ Int($0) }), value > 0 else {
            FileHandle.standardError.write(Data("trim-bench-parse: --repeat needs a positive number\n".utf8))
            exit(64)
        }
        arguments.removeFirst()
        repeats = value
    } else if argument == "--help" || argument == "-h" {
        print("usage: trim-bench-parse [--repeat N] FILE.bc...\nprints: median min max path (seconds)")
        exit(0)
    } else {
        paths.append(argument)
    }
}
guard !paths.isEmpty else {
    FileHandle.standardError.write(Data("usage: trim-bench-parse [--repeat N] FILE.bc...\n".utf8))
    exit(64)
}

var failed = false
for path in paths {
    var times: [Double] = []
    for _ in 0..<repeats {
        var error: UnsafeMutablePointer<CChar>?
        let start = now()
        let status = trim_parse_only(path, &error)
        let elapsed = now() - start
        if status != 0 {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            free(error)
            FileHandle.standardError.write(Data("trim-bench-parse: \(path): \(message)\n".utf8))
            failed = true
            break
        }
        times.append(elapsed)
    }
    guard !times.isEmpty, times.count == repeats else { continue }
    times.sort()
    let median = times.count % 2 == 1
        ? times[times.count / 2]
        : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    print(String(format: "%.4f %.4f %.4f ", median, times.first!, times.last!) + path)
}
exit(failed ? 1 : 0)
