import BlockIR
import Coverage
import Foundation
import InputTracing
import Testing
import TrimModel

#if canImport(Glibc)
    import Glibc
#endif

/// Real test processes (rustc-built libtest binaries, C programs), traced by
/// the interposer and by strace, and what each records.
@Suite struct TracedProcessTests {
    static let methods = ["preload", "strace"]

    func method(_ name: String, _ fixture: TracingFixture) -> TracingMethod {
        name == "preload" ? fixture.preload : fixture.strace
    }

    func hash(_ fixture: TracingFixture, _ path: String) -> String {
        ContentHash.of(file: fixture.workspace.appendingPathComponent(path).path)!
    }

    @Test func linkageDecidesTheMethod() throws {
        let fixture = try TracingFixture.get()
        guard case .dynamic(let interpreter, let needed) = try InputTracer.linkage(of: fixture.executable.path) else {
            Issue.record("the rustc test binary should be dynamically linked")
            return
        }
        #expect(interpreter.contains("ld-linux"))
        #expect(needed.contains("libc.so.6"))
        #expect(try InputTracer.linkage(of: fixture.staticExecutable.path) == .static)
        #expect(try InputTracer.linkage(of: fixture.workspace.appendingPathComponent("lib.rs").path) == .notELF)
        #expect(fixture.tracer.method(for: fixture.executable.path) == fixture.preload)
        #expect(fixture.tracer.method(for: fixture.staticExecutable.path) == fixture.strace)
        #expect(fixture.tracer.method(for: "/bin/sh").name == "preload")

        let noStrace = InputTracer(library: fixture.library, strace: nil)
        guard case .unavailable(let reason) = noStrace.method(for: fixture.staticExecutable.path) else {
            Issue.record("a static binary without strace cannot be traced")
            return
        }
        #expect(reason.contains("statically linked") && reason.contains("strace is not installed"))
        #expect(throws: InputTracingError.self) { try InputTracer.linkage(of: "/nonexistent/fx") }

        // Installed but unusable (a container without ptrace): checked once, and said.
        let brokenStrace = InputTracer(library: fixture.library, strace: "/bin/false")
        guard case .unavailable(let why) = brokenStrace.method(for: fixture.staticExecutable.path) else {
            Issue.record("a strace that cannot trace must not be used")
            return
        }
        #expect(why.contains("strace cannot trace here (exit status 1)"), "\(why)")
        #expect(brokenStrace.method(for: fixture.executable.path) == fixture.preload)
    }

    @Test(arguments: methods) func fileRead(_ name: String) throws {
        let fixture = try TracingFixture.get()
        let (inputs, _) = try fixture.inputs(of: "reads_file", method: method(name, fixture))
        #expect(inputs.files == ["tests/data/x.txt": hash(fixture, "tests/data/x.txt")])
        #expect(inputs.network.isEmpty)
        #expect(inputs.isComplete, "\(inputs.problems)")
        #expect(inputs.method == name)
    }

    @Test(arguments: methods) func variableRead(_ name: String) throws {
        let fixture = try TracingFixture.get()
        let (set, _) = try fixture.inputs(
            of: "reads_flag", method: method(name, fixture), stem: "flag-set-\(name)",
            environment: ["MY_FLAG": "on"])
        let (unset, _) = try fixture.inputs(of: "reads_flag", method: method(name, fixture), stem: "flag-unset-\(name)")
        #expect(set.files.isEmpty && set.network.isEmpty)
        if name == "preload" {
            #expect(set.env["MY_FLAG"] == InputHash.value("on"))
            #expect(unset.env["MY_FLAG"] == TestInputs.unset)
            #expect(set.env[TestInputs.wholeEnvironment] == nil)
            // trim's own variables are never inputs (the coverage runtime reads TRIM_COVERAGE_FILE).
            #expect(!set.env.keys.contains { $0.hasPrefix("TRIM_") || $0 == "LD_PRELOAD" })
        } else {
            // strace cannot see getenv: the whole environment stands in for it.
            #expect(set.env.keys.sorted() == [TestInputs.wholeEnvironment])
            #expect(set.env != unset.env)
        }
    }

    @Test(arguments: methods) func connection(_ name: String) throws {
        let fixture = try TracingFixture.get()
        let portFile = fixture.scratch.appendingPathComponent("port-\(name)")
        let (inputs, _) = try fixture.inputs(
            of: "connects", method: method(name, fixture),
            environment: ["PORT_FILE": portFile.path])
        let port = try String(contentsOf: portFile, encoding: .utf8)
        #expect(inputs.network == ["127.0.0.1:\(port)"])
        #expect(inputs.files.isEmpty)
    }

    @Test(arguments: methods) func childProcessRead(_ name: String) throws {
        let fixture = try TracingFixture.get()
        let (inputs, _) = try fixture.inputs(of: "spawns_child", method: method(name, fixture))
        // The shell stats its directory (the workspace root) at start-up.
        #expect(
            inputs.files == ["tests/data/child.txt": hash(fixture, "tests/data/child.txt"), ".": TestInputs.directory])
        #expect(inputs.isComplete, "\(inputs.problems)")
    }

    /// `env_clear()`: the interposer puts its variables back for the child and
    /// the child hides them again (the fixture test asserts it sees none).
    @Test(arguments: methods) func childWithClearedEnvironment(_ name: String) throws {
        let fixture = try TracingFixture.get()
        let (inputs, _) = try fixture.inputs(of: "spawns_cleared_child", method: method(name, fixture))
        #expect(inputs.files == ["tests/data/cleared.txt": hash(fixture, "tests/data/cleared.txt")])
    }

    @Test(arguments: methods) func listingAndMissingFile(_ name: String) throws {
        let fixture = try TracingFixture.get()
        let (inputs, _) = try fixture.inputs(of: "lists_and_probes", method: method(name, fixture))
        let listing = InputHash.listing(atPath: fixture.workspace.appendingPathComponent("tests/data/dir").path)
        #expect(inputs.files == ["tests/data/dir/": listing, "tests/data/maybe.txt": TestInputs.missing])
    }

    @Test(arguments: methods) func relativePathsFollowTheCurrentDirectory(_ name: String) throws {
        let fixture = try TracingFixture.get()
        let (inputs, _) = try fixture.inputs(of: "wanders", method: method(name, fixture))
        #expect(inputs.files == ["tests/data/x.txt": hash(fixture, "tests/data/x.txt")])
    }

    /// The child reads, then aborts: what it read is still there (written from its SIGABRT handler).
    @Test(arguments: methods) func childKilledBySignal(_ name: String) throws {
        let fixture = try TracingFixture.get()
        let (inputs, run) = try fixture.inputs(of: "child_aborts", method: method(name, fixture))
        #expect(inputs.files["tests/data/abort.txt"] == hash(fixture, "tests/data/abort.txt"))
        if name == "preload" {
            let signalled = try run.session.traceFiles().map(ProcessTrace.read).filter { $0.signal == SIGABRT }
            #expect(signalled.count == 1)
        }
    }

    /// libtest and std read a few variables in every test; nothing of the
    /// workspace, no address.
    @Test(arguments: methods) func testThatReadsNothing(_ name: String) throws {
        let fixture = try TracingFixture.get()
        let (inputs, _) = try fixture.inputs(of: "nothing", method: method(name, fixture))
        #expect(inputs.files.isEmpty)
        #expect(inputs.network.isEmpty)
        #expect(inputs.isComplete, "\(inputs.problems)")
        if name == "preload" {
            let libtest: Set<String> = [
                "HOME", "RUST_TEST_THREADS", "RUST_MIN_STACK", "RUST_BACKTRACE",
                "RUST_TEST_NOCAPTURE", "RUST_LIB_BACKTRACE",
            ]
            #expect(Set(inputs.env.keys).isSubset(of: libtest), "\(inputs.env.keys.sorted())")
        }
    }

    @Test func staticBinaryIsTracedWithStrace() throws {
        let fixture = try TracingFixture.get()
        let method = fixture.tracer.method(for: fixture.staticExecutable.path)
        #expect(method.name == "strace")
        let run = fixture.run(
            fixture.staticExecutable, [], method: method, stem: "static",
            environment: ["MY_FLAG": "static", "PORT": "9"])
        #expect(run.exitedCleanly, "\(run.output)")
        #expect(run.output.contains("static"))
        let (events, testPID) = run.session.traces(testPID: run.pid, testDirectory: fixture.workspace.path)
        #expect(testPID != nil && testPID != run.pid)  // strace's child, not strace
        let inputs = InputCollector.inputs(
            from: events, method: method.name, filter: fixture.filter,
            environment: run.environment)
        #expect(inputs.files == ["tests/data/x.txt": hash(fixture, "tests/data/x.txt")])
        #expect(inputs.network == ["127.0.0.1:9"])
        #expect(inputs.env.keys.sorted() == [TestInputs.wholeEnvironment])
        #expect(inputs.isComplete)
    }

    /// Preloading into a static binary does nothing: the missing trace makes the record incomplete, not empty.
    @Test func staticBinaryUnderPreloadIsIncomplete() throws {
        let fixture = try TracingFixture.get()
        let run = fixture.run(fixture.staticExecutable, [], method: fixture.preload, stem: "static-preload")
        #expect(run.exitedCleanly)
        let inputs = run.session.inputs(
            testPID: run.pid, testDirectory: fixture.workspace.path,
            filter: fixture.filter, environment: run.environment)
        #expect(!inputs.isComplete)
        #expect(inputs.problems.first?.contains("left no input trace") == true)
    }

    /// A preloaded process that starts a statically linked program: its reads cannot be seen, and the record says so.
    @Test func staticChildMakesTheRecordIncomplete() throws {
        let fixture = try TracingFixture.get()
        let run = fixture.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "\(fixture.staticExecutable.path) > /dev/null"],
            method: fixture.preload, stem: "static-child", environment: ["PORT": "9"])
        #expect(run.exitedCleanly, "\(run.output)")
        let inputs = run.session.inputs(
            testPID: run.pid, testDirectory: fixture.workspace.path, filter: fixture.filter,
            environment: run.environment)
        #expect(!inputs.isComplete)
        #expect(
            inputs.problems.contains { $0.contains("started \(fixture.staticExecutable.path), a statically linked") })
        // A dynamically linked child is no hole.
        let dynamic = fixture.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "cat tests/data/x.txt > /dev/null"], method: fixture.preload,
            stem: "dynamic-child")
        let complete = dynamic.session.inputs(
            testPID: dynamic.pid, testDirectory: fixture.workspace.path, filter: fixture.filter,
            environment: dynamic.environment)
        #expect(complete.isComplete, "\(complete.problems)")
        #expect(complete.files.keys.contains("tests/data/x.txt"))
    }

    @Test func unavailableMethodIsIncomplete() throws {
        let fixture = try TracingFixture.get()
        let session = fixture.tracer.session(
            method: .unavailable(reason: "no strace"), directory: fixture.scratch,
            stem: "none")
        #expect(session.command(executable: "/bin/true", arguments: ["x"]) == ("/bin/true", ["x"]))
        #expect(session.environment(adding: ["A": "1"]) == ["A": "1"])
        let inputs = session.inputs(testPID: 1, testDirectory: "/", filter: fixture.filter, environment: [:])
        #expect(inputs.method == "none")
        #expect(inputs.problems == ["its inputs could not be traced: no strace"])
    }

    /// Results and errno of wrapped calls are the real calls' (checked inside the process).
    @Test func wrappedCallsBehaveAsTheRealOnes() throws {
        let fixture = try TracingFixture.get()
        let run = fixture.run(
            fixture.behaviourExecutable, [], method: fixture.preload, stem: "behaviour",
            environment: ["MY_FLAG": "on=1"])
        #expect(run.exitedCleanly, "\(run.output)")
        let plain = fixture.run(
            fixture.behaviourExecutable, [], method: .unavailable(reason: ""), stem: "behaviour-plain",
            environment: ["MY_FLAG": "on=1"])
        #expect(plain.exitedCleanly, "\(plain.output)")
        let inputs = run.session.inputs(
            testPID: run.pid, testDirectory: fixture.workspace.path,
            filter: fixture.filter, environment: run.environment)
        #expect(inputs.files["tests/data/none.txt"] == TestInputs.missing)
        #expect(inputs.files["tests/data/none/"] == TestInputs.missing)
        #expect(inputs.files["tests/data/x.txt"] == hash(fixture, "tests/data/x.txt"))
        #expect(inputs.env["MY_FLAG"] == InputHash.value("on=1"))
        #expect(inputs.env["FIXTURE_UNSET"] == TestInputs.unset)
        #expect(inputs.network == ["127.0.0.1:9"])
    }

    /// With the coverage runtime linked in, both write their files, at exit and on SIGABRT (handlers chain).
    @Test func alongsideTheCoverageRuntime() throws {
        let fixture = try TracingFixture.get()
        let dump = fixture.scratch.appendingPathComponent("covered.%p.cov").path
        let (inputs, run) = try fixture.inputs(
            of: "reads_file", method: fixture.preload, executable: fixture.instrumented, stem: "covered",
            environment: [SanitizerCoverage.coverageFileVariable: dump])
        #expect(inputs.files == ["tests/data/x.txt": hash(fixture, "tests/data/x.txt")])
        #expect(inputs.isComplete)
        #expect(FileManager.default.fileExists(atPath: dump.replacingOccurrences(of: "%p", with: "\(run.pid)")))

        let abortDump = fixture.scratch.appendingPathComponent("covered-abort.%p.cov").path
        let aborted = fixture.run(
            fixture.instrumented, ["--exact", "tests::reads_then_aborts", "--ignored"],
            method: fixture.preload, stem: "covered-abort",
            environment: [SanitizerCoverage.coverageFileVariable: abortDump])
        #expect(aborted.status & 0x7F == SIGABRT)
        let path = abortDump.replacingOccurrences(of: "%p", with: "\(aborted.pid)")
        #expect(try HitDump.read(URL(fileURLWithPath: path)).endedBySignal == SIGABRT)
        let traces = try aborted.session.traceFiles().map(ProcessTrace.read)
        #expect(traces.map(\.signal) == [SIGABRT])
        let abortedInputs = aborted.session.inputs(
            testPID: aborted.pid, testDirectory: fixture.workspace.path,
            filter: fixture.filter, environment: aborted.environment)
        #expect(abortedInputs.files.keys.contains("tests/data/abort.txt"))
    }

    /// Thousands of distinct events (the table grows), each seen twice (recorded once); past
    /// the table's capacity the record says it is incomplete instead of silently dropping events.
    @Test func manyEventsAndOverflow() throws {
        let fixture = try TracingFixture.get()
        let run = fixture.run(
            fixture.manyExecutable, [], method: fixture.preload, stem: "many",
            environment: ["COUNT": "5000", "BASE": "tests/data/none"])
        #expect(run.exitedCleanly)
        let inputs = run.session.inputs(
            testPID: run.pid, testDirectory: fixture.workspace.path,
            filter: fixture.filter, environment: run.environment)
        #expect(inputs.files.count == 5000)
        #expect(inputs.files["tests/data/none/4999"] == TestInputs.missing)
        #expect(inputs.isComplete)

        let overflow = fixture.run(
            fixture.manyExecutable, [], method: fixture.preload, stem: "many-overflow",
            environment: ["COUNT": "60000", "BASE": "/nonexistent/trim"])
        #expect(overflow.exitedCleanly)
        let traces = try overflow.session.traceFiles().map(ProcessTrace.read)
        #expect(traces.count == 1)
        #expect((traces.first?.events.files.count ?? 0) + (traces.first?.events.variables.count ?? 0) == 49152)
        #expect(traces.first?.events.isComplete == false)
    }

    @Test func removeFilesLeavesNoTrace() throws {
        let fixture = try TracingFixture.get()
        let (_, run) = try fixture.inputs(of: "spawns_child", method: fixture.preload, stem: "cleanup")
        #expect(run.session.traceFiles().count >= 2)  // the test, the shell, cat
        run.session.removeFiles()
        #expect(run.session.traceFiles().isEmpty)
        let left = try FileManager.default.contentsOfDirectory(atPath: fixture.scratch.path)
            .filter { $0.hasPrefix("cleanup.") && !$0.hasSuffix(".out") }
        #expect(left.isEmpty, "\(left)")
    }
}
