import Foundation
import Selection
import Store
import TrimModel

/// `--database PATH`: selection on a store a real `trim run` recorded (e.g.
/// the suite-size benchmark's crate) instead of the synthetic one. The
/// current build is the store's latest (what the last `trim run` built: after
/// a no-change run, the build every result is compared with); the tests are
/// every test with a result. Loads as SelectionLoader does (lastResults, then
/// each recorded build), then times `Selector.select` at each grain over R
/// runs. What the tests read outside the code is left out (no input state):
/// `TRIM_TIMINGS=1 trim plan` times selection with it.
func benchmarkRecordedStore(_ path: String, options: Options) -> Never {
    let store: TrimStore
    let input: SelectionInput
    let loadSeconds: Double
    do {
        store = try TrimStore(path: URL(fileURLWithPath: path))
        (input, loadSeconds) = try timed { try loadRecorded(store) }
    } catch {
        fail("\(path): \(error)")
    }
    let hits = input.results.values.reduce(0) { $0 + $1.hits.count }
    print("recorded store \(path): \(input.tests.count) tests with results, \(input.recorded.count) recorded build(s), "
          + "\(hits) hit functions (\(String(format: "%.1f", Double(hits) / Double(max(input.tests.count, 1)))) per test); "
          + "loaded in \(ms(loadSeconds).trimmingCharacters(in: .whitespaces)) ms")
    print()
    print("  " + "milliseconds (over \(options.repeats) runs)".padding(toLength: 58, withPad: " ", startingAt: 0)
          + "   median      min      max  verdict (<= 100 ms)   CPU ms (all threads, median)")
    for grain in options.only.map({ [$0] }) ?? Granularity.allCases {
        var prepared = input
        prepared.granularity = grain
        var samples: [Double] = [], cpu: [Double] = []
        var selected = 0
        for _ in 0..<options.repeats {
            let cpuBefore = processCPUSeconds()
            let (selection, seconds) = timed { Selector.select(prepared) }
            cpu.append(processCPUSeconds() - cpuBefore)
            samples.append(seconds)
            selected = selection.selected.count
        }
        let stats = Stats(samples)
        let label = "select, \(grain.rawValue) grain (\(selected) of \(input.tests.count) selected)"
        print("  " + label.padding(toLength: 58, withPad: " ", startingAt: 0) + " " + ms(stats.median) + " "
              + ms(stats.min) + " " + ms(stats.max) + "  " + (stats.median <= target ? "PASS" : "MISS")
              + "                " + ms(Stats(cpu).median))
    }
    exit(0)
}

/// CPU time of every thread of the process: steadier than wall time on a
/// machine shared with other work, though it counts both cores.
private func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

private func loadRecorded(_ store: TrimStore) throws -> SelectionInput {
    guard let (currentID, currentFacts) = try store.latestBuild() else {
        fail("the store has no build: run `trim run` first")
    }
    let results = try store.lastResults()
    let recorded = try recordedBuilds(store, of: results)
    let current = BuildSnapshot(facts: currentFacts, modules: try store.modules(of: currentID),
                                sourceFiles: try store.sourceFiles(of: currentID))
    return SelectionInput(current: current, recorded: recorded, tests: Array(results.keys), results: results)
}

/// What SelectionLoader reads after the last results: each build they ran on
/// that the store still has.
func recordedBuilds(_ store: any CoverageStore, of results: [TestKey: TestResultRecord]) throws
    -> [BuildID: BuildSnapshot]
{
    var recorded: [BuildID: BuildSnapshot] = [:]
    for id in Set(results.values.map(\.build)) {
        guard let facts = try store.build(id) else { continue }
        recorded[id] = BuildSnapshot(facts: facts, modules: try store.modules(of: id),
                                     sourceFiles: try store.sourceFiles(of: id))
    }
    return recorded
}
