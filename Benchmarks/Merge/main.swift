// trim-bench-merge [--repeat N] --cache DIR UNIT.bc... — one crate's merge
// alone (`CrateModule(name:units:)`, what trim does for a crate while cargo
// builds), from its units' fingerprints already in the cache DIR
// (`<target>/trim/cache`, which holds `fingerprints/`). Prints the median, min and max wall
// time over N merges (default 20) and a digest of the merged module, so two
// builds of trim can be compared for speed and for the same result, then the
// median time to load the units' fingerprints from the cache (N times) and
// to encode the merged module as the crate cache stores it (N times):
//
//     <median ms> <min ms> <max ms> <functions> digest <hex> load <median ms> encode <median ms>
//
// The digest is stable across processes only with SWIFT_DETERMINISTIC_HASHING=1.
// Exit status 2 when a unit is missing or its fingerprint is not cached.
import BlockIR
import Foundation

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("trim-bench-merge: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var repeats = 20
var cacheDirectory: String?
var paths: [String] = []
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "--repeat", "-n":
        guard let value = arguments.first.flatMap({ Int($0) }), value > 0 else { fail("--repeat needs a positive number") }
        arguments.removeFirst()
        repeats = value
    case "--cache":
        guard let value = arguments.first else { fail("--cache needs a directory") }
        arguments.removeFirst()
        cacheDirectory = value
    case "--help", "-h":
        print("usage: trim-bench-merge [--repeat N] --cache DIR UNIT.bc...")
        exit(0)
    default:
        paths.append(argument)
    }
}
guard let cacheDirectory, !paths.isEmpty else { fail("usage: trim-bench-merge [--repeat N] --cache DIR UNIT.bc...") }

let cache = FingerprintCache(directory: URL(fileURLWithPath: cacheDirectory))
var files: [BitcodeFile] = []
for path in paths {
    do { files.append(try BitcodeFile(path: path)) } catch { fail("\(path): \(error)") }
}
var units: [ModuleFingerprint] = []
var loadTimes: [Double] = []
for _ in 0..<repeats {
    let start = now()
    units = []
    for (path, file) in zip(paths, files) {
        guard let unit = cache.load(file) else { fail("\(path): its fingerprint is not in \(cacheDirectory)") }
        units.append(unit)
    }
    loadTimes.append((now() - start) * 1000)
}
loadTimes.sort()
let name = ((paths[0] as NSString).lastPathComponent.split(separator: ".").first.map(String.init) ?? "crate") + ".bc"
var times: [Double] = []
var merged: CrateModule?
for _ in 0..<repeats {
    let start = now()
    merged = CrateModule(name: name, units: units)
    times.append((now() - start) * 1000)
}
times.sort()
var encodeTimes: [Double] = []
var encodedBytes = 0
for _ in 0..<repeats {
    let start = now()
    encodedBytes &+= FingerprintCodec.encode(merged!.module).count
    encodeTimes.append((now() - start) * 1000)
}
encodeTimes.sort()
var hasher = Hasher()
hasher.combine(merged!.module)
hasher.combine(merged!.folded)
let digest = UInt64(bitPattern: Int64(hasher.finalize()))
print(String(format: "%.2f %.2f %.2f %d digest %016llx load %.2f encode %.2f", times[times.count / 2], times[0],
             times[times.count - 1], merged!.module.functions.count, digest, loadTimes[loadTimes.count / 2],
             encodeTimes[encodeTimes.count / 2]))
