import Foundation

/// Runs tests, each in its own process, `jobs` at a time, emitting events in
/// the order things happen. Events are delivered on one serial queue, so a
/// reporter never sees two at once.
public final class TestExecutor: Sendable {
    public let jobs: Int
    /// Where outputs and coverage dumps of this run go.
    public let scratchDirectory: URL
    /// The environment variable naming the coverage dump file for each test.
    public let coverageFileVariable: String
    /// The environment every test starts from (trim's own, by default).
    public let baseEnvironment: [String: String]

    public init(jobs: Int, scratchDirectory: URL, coverageFileVariable: String,
                baseEnvironment: [String: String] = ProcessInfo.processInfo.environment) {
        self.jobs = max(1, jobs)
        self.scratchDirectory = scratchDirectory
        self.coverageFileVariable = coverageFileVariable
        self.baseEnvironment = baseEnvironment
    }

    /// Runs `tests`; `emit` receives every event, `runStarted` first and
    /// `runFinished` last. Returns the executions in the order of `tests`.
    public func run(_ tests: [TestInstance], skipped: Int = 0,
                    emit: @escaping @Sendable (TestEvent) -> Void) throws -> [TestExecution] {
        try FileManager.default.createDirectory(at: scratchDirectory, withIntermediateDirectories: true)
        let events = DispatchQueue(label: "trim.runner.events")
        let start = Date()
        events.sync { emit(.runStarted(toRun: tests.count, skipped: skipped)) }

        let state = ExecutorState(count: tests.count)
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(tests.count, 1))) { _ in
            while let index = state.next(), index < tests.count {
                let test = tests[index]
                events.sync { emit(.testStarted(test)) }
                let execution = execute(test, slot: index)
                state.finish(index, execution)
                events.sync { emit(.testFinished(execution)) }
            }
        }
        let executions = state.results
        var statistics = RunStatistics(skipped: skipped, elapsed: Date().timeIntervalSince(start))
        for execution in executions {
            statistics.run += 1
            if execution.status.isSuccess { statistics.passed += 1 } else { statistics.failed += 1 }
        }
        events.sync { emit(.runFinished(statistics)) }
        return executions
    }

    func execute(_ test: TestInstance, slot: Int) -> TestExecution {
        let outputFile = scratchDirectory.appendingPathComponent("\(slot).out")
        var environment = baseEnvironment.merging(test.environment) { _, new in new }
        // `%p`: each process writes its own dump; the test's is the one with its pid.
        environment[coverageFileVariable] = scratchDirectory.appendingPathComponent("\(slot).%p.cov").path
        let start = Date()
        let status: TestStatus
        var coverageFile = scratchDirectory.appendingPathComponent("\(slot).none.cov")
        do {
            let process = try SpawnedProcess.spawn(
                executable: test.executable, arguments: test.arguments, directory: test.directory,
                environment: environment, outputFile: outputFile.path)
            coverageFile = scratchDirectory.appendingPathComponent("\(slot).\(process.pid).cov")
            switch process.wait() {
            case .exited(0): status = .passed
            case .exited(let code): status = .failed(exitCode: code)
            case .signalled(let signal): status = .crashed(signal: signal)
            }
        } catch {
            status = .couldNotStart(reason: "\(error)")
        }
        let duration = Date().timeIntervalSince(start)
        let output = (try? Data(contentsOf: outputFile)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        try? FileManager.default.removeItem(at: outputFile)
        return TestExecution(test: test, status: status, duration: duration, output: output, coverageFile: coverageFile)
    }
}

private final class ExecutorState: @unchecked Sendable {
    private let lock = NSLock()
    private var cursor = 0
    private var slots: [TestExecution?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func next() -> Int? {
        lock.withLock {
            defer { cursor += 1 }
            return cursor
        }
    }

    func finish(_ index: Int, _ execution: TestExecution) { lock.withLock { slots[index] = execution } }

    var results: [TestExecution] { lock.withLock { slots.compactMap { $0 } } }
}
