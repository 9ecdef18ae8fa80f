import Foundation
import Testing

@testable import Reporting
@testable import Runner

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The JUnit report of a recorded run, parsed back with an XML parser.
@Suite struct JUnitReporterTests {
    let timestamp = Date(timeIntervalSince1970: 1_700_000_000)

    func parse(_ xml: String) throws -> XMLElement {
        let document = try XMLDocument(xmlString: xml, options: [.nodePreserveWhitespace])
        return try #require(document.rootElement())
    }

    func render(_ options: JUnitReporter.Options = .init()) throws -> XMLElement {
        try parse(JUnitReporter.render(results: RecordedRun.results, skipped: RecordedRun.skipped,
                                       elapsed: 2.5, timestamp: timestamp, options: options))
    }

    func testCase(_ root: XMLElement, _ test: TestInstance) throws -> XMLElement {
        let matches = try root.nodes(forXPath: "testsuite[@name='\(test.binary)']/testcase[@name='\(test.name)']")
        #expect(matches.count == 1, "\(test.name)")
        return try #require(matches.first as? XMLElement)
    }

    func children(_ element: XMLElement, _ name: String) -> [XMLElement] {
        element.elements(forName: name)
    }

    func attribute(_ element: XMLElement?, _ name: String) -> String? {
        element?.attribute(forName: name)?.stringValue
    }

    // MARK: Shape and counts

    @Test func rootCountsEveryTestAndCarriesNameTimeAndTimestamp() throws {
        let root = try render()
        #expect(root.name == "testsuites")
        #expect(attribute(root, "name") == "trim-run")
        #expect(attribute(root, "tests") == "8")
        #expect(attribute(root, "failures") == "4")  // failed, crashed, timed out, failed after a retry
        #expect(attribute(root, "errors") == "1")  // could not start
        #expect(attribute(root, "skipped") == "0")
        #expect(attribute(root, "time") == "2.500")
        #expect(attribute(root, "timestamp") == "2023-11-14T22:13:20.000Z")
    }

    @Test func oneSuitePerBinaryInOrderOfAppearance() throws {
        let root = try render()
        let suites = children(root, "testsuite")
        #expect(suites.map { attribute($0, "name") } == [RecordedRun.report, RecordedRun.lib])
        let report = suites[0], lib = suites[1]
        #expect(attribute(report, "tests") == "4")
        #expect(attribute(report, "failures") == "2")
        #expect(attribute(report, "errors") == "0")
        #expect(attribute(lib, "tests") == "4")
        #expect(attribute(lib, "failures") == "2")
        #expect(attribute(lib, "errors") == "1")
        // Suite time: every attempt of every test in it.
        #expect(attribute(report, "time") == "0.064")
        #expect(attribute(lib, "time") == "2.031")
        #expect(children(report, "testcase").map { attribute($0, "name") }
            == [RecordedRun.deposit, RecordedRun.overdraft, RecordedRun.aborts, RecordedRun.spawns].map(\.name))
        for testCase in children(report, "testcase") + children(lib, "testcase") {
            #expect(attribute(testCase, "classname") == attribute(testCase.parent as? XMLElement, "name"))
        }
    }

    @Test func reportNameIsConfigurable() throws {
        let root = try render(.init(reportName: "ci & nightly"))
        #expect(attribute(root, "name") == "ci & nightly")
    }

    // MARK: Each kind of ending

    @Test func passIsAnEmptyTestCaseWithItsTime() throws {
        let testCase = try testCase(render(), RecordedRun.deposit)
        #expect(attribute(testCase, "time") == "0.004")
        #expect(testCase.childCount == 0)
    }

    @Test func failureCarriesPanicLineExitCodeAndEscapedOutput() throws {
        let testCase = try testCase(render(), RecordedRun.overdraft)
        let failure = try #require(children(testCase, "failure").first)
        #expect(attribute(failure, "type") == "test failure with exit code 101")
        #expect(attribute(failure, "message")
            == "thread 'balance::tests::overdraft_is_refused' panicked at src/balance.rs:42:9")
        #expect(failure.stringValue == RecordedRun.nastyOutputInXML)
        #expect(children(testCase, "system-out").first?.stringValue == RecordedRun.nastyOutputInXML)
        #expect(children(testCase, "error").isEmpty)
    }

    @Test func crashIsAFailureTypedWithTheSignal() throws {
        let testCase = try testCase(render(), RecordedRun.aborts)
        let failure = try #require(children(testCase, "failure").first)
        #expect(attribute(failure, "type") == "SIGABRT")
        #expect(attribute(failure, "message") == "process aborted with signal \(SIGABRT) (SIGABRT)")
        #expect(failure.stringValue == "fatal runtime error: stack overflow\n")
    }

    @Test func timeoutIsAFailureTypedTimeout() throws {
        let testCase = try testCase(render(), RecordedRun.slowAudit)
        let failure = try #require(children(testCase, "failure").first)
        #expect(attribute(failure, "type") == "timeout")
        #expect(attribute(failure, "message") == "test timed out: killed after 2.000s")
        #expect(attribute(testCase, "time") == "2.000")
    }

    @Test func testThatCouldNotStartIsAnError() throws {
        let testCase = try testCase(render(), RecordedRun.missing)
        #expect(children(testCase, "failure").isEmpty)
        let error = try #require(children(testCase, "error").first)
        #expect(attribute(error, "type") == "execution failure")
        #expect(attribute(error, "message") == "cannot execute /target/debug/deps/ledger-0123: exec format error")
        #expect(error.stringValue == "cannot execute /target/debug/deps/ledger-0123: exec format error")
    }

    @Test func flakyTestPassesWithAFlakyFailurePerFailedAttempt() throws {
        let testCase = try testCase(render(), RecordedRun.clock)
        #expect(children(testCase, "failure").isEmpty)
        #expect(children(testCase, "error").isEmpty)
        let flaky = children(testCase, "flakyFailure")
        #expect(flaky.count == 1)
        #expect(attribute(flaky.first, "type") == "test failure with exit code 101")
        #expect(attribute(flaky.first, "message") == "thread 'tests::flaky_clock' panicked at src/lib.rs:7:5")
        #expect(attribute(flaky.first, "time") == "0.012")
        #expect(flaky.first?.stringValue == RecordedRun.flakyAttempt1.output)
        // The passing attempt's time; its output only with storeSuccessOutput.
        #expect(attribute(testCase, "time") == "0.008")
        #expect(children(testCase, "system-out").isEmpty)
    }

    @Test func failureAfterRetriesKeepsEarlierAttemptsAsReruns() throws {
        let testCase = try testCase(render(), RecordedRun.alwaysFails)
        let failure = try #require(children(testCase, "failure").first)
        #expect(attribute(failure, "type") == "SIGSEGV")
        #expect(failure.stringValue == "second try\n")
        let reruns = children(testCase, "rerunFailure")
        #expect(reruns.count == 1)
        #expect(attribute(reruns.first, "type") == "test failure with exit code 101")
        #expect(attribute(reruns.first, "time") == "0.005")
        #expect(reruns.first?.stringValue == "first try\n")
        #expect(children(testCase, "flakyFailure").isEmpty)
    }

    @Test func leakedTestIsMarkedWithAProperty() throws {
        let root = try render()
        let testCase = try testCase(root, RecordedRun.spawns)
        #expect(children(testCase, "failure").isEmpty)
        let property = try #require(testCase.nodes(forXPath: "properties/property").first as? XMLElement)
        #expect(attribute(property, "name") == "leaked")
        #expect(attribute(property, "value") == "true")
        #expect(try root.nodes(forXPath: "//property").count == 1)
    }

    // MARK: Options

    @Test func skippedTestsAreLeftOutByDefault() throws {
        let root = try render()
        #expect(try root.nodes(forXPath: "//skipped").isEmpty)
        #expect(try root.nodes(forXPath: "//testcase[@name='counts_refused_lines']").isEmpty)
        #expect(try root.nodes(forXPath: "testsuite[@name='\(RecordedRun.cli)']").isEmpty)
    }

    @Test func skippedTestsAreListedWithStoreSkipped() throws {
        let root = try render(.init(storeSkipped: true))
        #expect(attribute(root, "tests") == "10")
        #expect(attribute(root, "skipped") == "2")
        #expect(attribute(root, "failures") == "4")
        let skipped = try root.nodes(forXPath: "//testcase/skipped").compactMap { $0 as? XMLElement }
        #expect(skipped.count == 2)
        #expect(skipped.allSatisfy { attribute($0, "message") == "not affected" })
        let cli = try #require(try root.nodes(forXPath: "testsuite[@name='\(RecordedRun.cli)']").first as? XMLElement)
        #expect(attribute(cli, "tests") == "1")
        #expect(attribute(cli, "skipped") == "1")
        let testCase = try #require(children(cli, "testcase").first)
        #expect(attribute(testCase, "name") == "tests::parses_args")
        #expect(attribute(testCase, "classname") == RecordedRun.cli)
        let report = try #require(try root.nodes(forXPath: "testsuite[@name='\(RecordedRun.report)']").first
            as? XMLElement)
        #expect(attribute(report, "tests") == "5")
        #expect(attribute(report, "skipped") == "1")
    }

    @Test func successOutputIsStoredOnRequest() throws {
        let root = try render(.init(storeSuccessOutput: true))
        #expect(children(try testCase(root, RecordedRun.deposit), "system-out").first?.stringValue
            == "ok: deposit parsed\n")
        #expect(children(try testCase(root, RecordedRun.clock), "system-out").first?.stringValue == "tock\n")
    }

    @Test func failureOutputCanBeLeftOut() throws {
        let root = try render(.init(storeFailureOutput: false))
        #expect(try root.nodes(forXPath: "//system-out").isEmpty)
        let failure = try #require(children(try testCase(root, RecordedRun.overdraft), "failure").first)
        // Only the panic, as nextest's description: from its line up to the backtrace note.
        #expect(failure.stringValue == """
            thread 'balance::tests::overdraft_is_refused' panicked at src/balance.rs:42:9:
            assertion `left == right` failed: <Balance> & "quotes" 'apostrophes' ]]> end
              left: -5
            ctrl:|tab:\t|cr:
            """)
        #expect(attribute(failure, "message")
            == "thread 'balance::tests::overdraft_is_refused' panicked at src/balance.rs:42:9")
        let crash = try #require(children(try testCase(root, RecordedRun.aborts), "failure").first)
        #expect(crash.childCount == 0)
    }

    // MARK: Escaping

    @Test func namesAndMessagesWithMarkupSurviveInAttributes() throws {
        let odd = RecordedRun.test("weird<&>\"'", "name with \"quotes\" & <tags>\tand\nnewline\u{1B}[1m\u{0}")
        let result = RecordedRun.result([
            RecordedRun.attempt(odd, 1, .couldNotStart(reason: "bad \"path\" <here> & there"), 0)
        ])
        let root = try parse(JUnitReporter.render(results: [result], elapsed: 0, timestamp: timestamp))
        let suite = try #require(children(root, "testsuite").first)
        #expect(attribute(suite, "name") == "weird<&>\"'")
        let testCase = try #require(children(suite, "testcase").first)
        #expect(attribute(testCase, "name") == "name with \"quotes\" & <tags>\tand\nnewline")
        #expect(attribute(children(testCase, "error").first, "message") == "bad \"path\" <here> & there")
    }

    @Test func textNeverContainsACDATAEndOrRawMarkup() throws {
        let test = RecordedRun.test("binary", "markup")
        let output = "a ]]> b <c> & d\u{1}\u{FFFE}\r"
        let result = RecordedRun.result([RecordedRun.attempt(test, 1, .failed(exitCode: 101), 0, output: output)])
        let xml = JUnitReporter.render(results: [result], elapsed: 0, timestamp: timestamp)
        #expect(!xml.contains("]]>"))
        #expect(!xml.contains("<c>"))
        let root = try parse(xml)
        let suite = try #require(children(root, "testsuite").first)
        let testCase = try #require(children(suite, "testcase").first)
        #expect(children(testCase, "system-out").first?.stringValue == "a ]]> b <c> & d\r")
        #expect(JUnitReporter.XML.sanitized("x\u{1B}]0;title\u{7}y\u{1B}[38;5;196mz\u{1B}(B") == "xyzB")
        #expect(JUnitReporter.XML.sanitized("emoji 🦀 and é stay") == "emoji 🦀 and é stay")
    }

    @Test func emptyRunIsAValidReport() throws {
        let root = try parse(JUnitReporter.render(results: [], elapsed: 0, timestamp: timestamp))
        #expect(attribute(root, "tests") == "0")
        #expect(attribute(root, "failures") == "0")
        #expect(children(root, "testsuite").isEmpty)
    }

    // MARK: Writing the file

    func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("trim-junit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func reporterWritesTheFileWhenTheRunFinishes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("target/trim/ci/junit.xml")
        let errors = Written()
        let reporter = JUnitReporter(path: path, storeSkipped: true, onError: errors.write)
        let events = RecordedRun.events
        for event in events.dropLast() { reporter.handle(event) }
        #expect(!FileManager.default.fileExists(atPath: path.path))
        reporter.handle(events[events.count - 1])
        #expect(errors.pieces.isEmpty)

        let root = try parse(String(contentsOf: path, encoding: .utf8))
        #expect(attribute(root, "tests") == "10")
        #expect(attribute(root, "skipped") == "2")
        #expect(attribute(root, "failures") == "4")
        #expect(attribute(root, "errors") == "1")
        #expect(attribute(root, "time") == "2.500")
        // Only the report: the temporary file was renamed, not left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: path.deletingLastPathComponent().path)
            == ["junit.xml"])
    }

    @Test func reporterReplacesAnEarlierReport() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("junit.xml")
        try Data("old report".utf8).write(to: path)
        let reporter = JUnitReporter(path: path, reportName: "second", onError: { _ in })
        reporter.handle(.runStarted(toRun: 1, skipped: 0, startedAt: Date(timeIntervalSince1970: 1_700_000_000)))
        reporter.handle(.testFinished(RecordedRun.passed))
        reporter.handle(.runFinished(RunStatistics(run: 1, passed: 1, elapsed: 0.1)))
        let root = try parse(String(contentsOf: path, encoding: .utf8))
        #expect(attribute(root, "name") == "second")
        #expect(attribute(root, "tests") == "1")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["junit.xml"])
    }

    @Test func unwritablePathIsReportedNotThrown() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let blocker = directory.appendingPathComponent("not-a-directory")
        try Data().write(to: blocker)
        let errors = Written()
        let reporter = JUnitReporter(path: blocker.appendingPathComponent("junit.xml"), onError: errors.write)
        reporter.handle(.runStarted(toRun: 0, skipped: 0, startedAt: Date(timeIntervalSince1970: 1_700_000_000)))
        reporter.handle(.runFinished(RunStatistics()))
        #expect(errors.pieces.count == 1)
        #expect(errors.text.contains("JUnit report"))
        #expect(errors.text.contains("not-a-directory"))
    }
}
