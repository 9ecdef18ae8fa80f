/// JUnit XML for CI systems, in cargo-nextest's shape (the Jenkins flavour,
/// with Maven Surefire's elements for retried tests).
///
/// ```
/// <testsuites name="trim-run" tests= failures= errors= skipped= timestamp= time=>
///     <testsuite name="BINARY_ID" tests= failures= errors= skipped= time=>   one per test binary
///         <testcase name="TEST_NAME" classname="BINARY_ID" time=>            one per test
///             <properties><property name="leaked" value="true"/></properties>   processes left behind
///             <failure message= type=>OUTPUT</failure>          failed, crashed, timed out
///             <error message= type="execution failure">...</error>   could not start
///             <skipped message="not affected"/>                 storeSkipped only
///             <rerunFailure time= message= type=>OUTPUT</rerunFailure>   earlier attempts of a failure
///             <flakyFailure time= message= type=>OUTPUT</flakyFailure>   failed attempts of a flaky pass
///             <system-out>OUTPUT</system-out>                   last attempt, per storeFailure/SuccessOutput
/// ```
///
/// `type` is `test failure with exit code N`, the signal's name (`SIGABRT`),
/// `timeout`, or `execution failure`. `message` is the panic line
/// (`thread 'x' panicked at src/lib.rs:3:5`) when the output has one, else
/// what happened. Test output is stdout and stderr interleaved; ANSI escapes
/// and characters XML 1.0 forbids are removed, the rest is escaped.
///
/// Invariant: the report is built from the events alone, and the file appears
/// whole or not at all (written beside its final path, then renamed).
import Foundation
import Runner
#if canImport(FoundationXML)
import FoundationXML
#endif

public final class JUnitReporter: TestReporter, @unchecked Sendable {
    /// What goes into the report besides the tests that ran (nextest's `[profile.*.junit]`).
    public struct Options: Sendable, Equatable {
        public var reportName: String
        /// List tests trim's selection skipped, as `<skipped>` test cases.
        public var storeSkipped: Bool
        /// `<system-out>` for tests that passed (flaky ones included).
        public var storeSuccessOutput: Bool
        /// `<system-out>` and the output in the failure elements, for tests that did not pass.
        public var storeFailureOutput: Bool

        public init(reportName: String = "trim-run", storeSkipped: Bool = false, storeSuccessOutput: Bool = false,
                    storeFailureOutput: Bool = true) {
            self.reportName = reportName
            self.storeSkipped = storeSkipped
            self.storeSuccessOutput = storeSuccessOutput
            self.storeFailureOutput = storeFailureOutput
        }
    }

    public let path: URL
    public let options: Options
    private let onError: @Sendable (String) -> Void
    // Reporters are called from one queue; the lock only keeps a misuse from corrupting the report.
    private let lock = NSLock()
    private var started: Date?
    private var results: [TestResult] = []
    private var skipped: [SkippedTest] = []

    /// Writes the report to `path` when the run finishes; `onError` gets a
    /// one-line message when it cannot (`cannot write the JUnit report …: …`, no prefix).
    public init(path: URL, reportName: String = "trim-run", storeSkipped: Bool = false,
                storeSuccessOutput: Bool = false, storeFailureOutput: Bool = true,
                onError: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.options = Options(reportName: reportName, storeSkipped: storeSkipped,
                               storeSuccessOutput: storeSuccessOutput, storeFailureOutput: storeFailureOutput)
        self.onError = onError
    }

    public func handle(_ event: TestEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .runStarted(_, _, let startedAt):
            started = startedAt
        case .testFinished(let result):
            results.append(result)
        case .testSkipped(let binary, let name, let reason):
            skipped.append(SkippedTest(binary: binary, name: name, reason: reason))
        case .runFinished(let statistics):
            let xml = Self.render(results: results, skipped: skipped, elapsed: statistics.elapsed,
                                  timestamp: started ?? Date(timeIntervalSince1970: 0), options: options)
            do {
                try Self.writeAtomically(xml, to: path)
            } catch {
                onError(error.description)
            }
        case .testStarted, .testSlow, .testRetrying, .runCancelled:
            break
        }
    }

    // MARK: Rendering

    /// The whole report. Suites come in the order their binary first appears
    /// (in `skipped`, then `results`), test cases in the order given.
    public static func render(results: [TestResult], skipped: [SkippedTest] = [], elapsed: Double,
                              timestamp: Date, options: Options = Options()) -> String {
        var suites: [String: Suite] = [:]
        var order: [String] = []
        func add(_ binary: String, _ testCase: Case) {
            if suites[binary] == nil {
                suites[binary] = Suite()
                order.append(binary)
            }
            suites[binary]!.add(testCase)
        }
        if options.storeSkipped {
            for test in skipped { add(test.binary, .skipped(test)) }
        }
        for result in results { add(result.test.binary, .ran(result)) }

        let total = order.reduce(into: Suite()) { sum, binary in sum.merge(suites[binary]!) }
        let root = XML.element("testsuites", [("name", options.reportName)] + total.counts
            + [("timestamp", timestampText(timestamp)), ("time", seconds(elapsed))])
        for binary in order {
            let suite = suites[binary]!
            let element = XML.element("testsuite", [("name", binary)] + suite.counts + [("time", seconds(suite.time))])
            for testCase in suite.cases { element.addChild(render(testCase, options: options)) }
            root.addChild(element)
        }
        return XML.document(root)
    }

    private enum Case {
        case ran(TestResult)
        case skipped(SkippedTest)
    }

    private struct Suite {
        var cases: [Case] = []
        var tests = 0
        var failures = 0
        var errors = 0
        var skipped = 0
        /// Every attempt's wall time.
        var time = 0.0

        mutating func add(_ testCase: Case) {
            cases.append(testCase)
            tests += 1
            switch testCase {
            case .skipped:
                skipped += 1
            case .ran(let result):
                time += result.duration
                switch result.verdict {
                case .passed, .flaky: break
                case .failed, .timedOut, .crashed: failures += 1
                case .couldNotStart: errors += 1
                }
            }
        }

        mutating func merge(_ other: Suite) {
            tests += other.tests
            failures += other.failures
            errors += other.errors
            skipped += other.skipped
            time += other.time
        }

        var counts: [(String, String)] {
            [("tests", "\(tests)"), ("failures", "\(failures)"), ("errors", "\(errors)"), ("skipped", "\(skipped)")]
        }
    }

    private static func render(_ testCase: Case, options: Options) -> XMLElement {
        switch testCase {
        case .skipped(let test):
            let element = XML.element("testcase", [("name", test.name), ("classname", test.binary)])
            element.addChild(XML.element("skipped", [("message", test.reason)]))
            return element
        case .ran(let result):
            let last = result.last
            let element = XML.element(
                "testcase", [("name", result.test.name), ("classname", result.test.binary),
                             ("time", seconds(last.duration))])
            if last.leaked {
                let properties = XML.element("properties", [])
                properties.addChild(XML.element("property", [("name", "leaked"), ("value", "true")]))
                element.addChild(properties)
            }
            let earlier = result.attempts.dropLast()
            let output: String?
            if result.isSuccess {
                for attempt in earlier where !attempt.status.isSuccess {
                    let kind = Kind(attempt.status)
                    element.addChild(attemptElement(kind.isError ? "flakyError" : "flakyFailure", for: attempt,
                                                    withTime: true, storeOutput: options.storeFailureOutput))
                }
                output = options.storeSuccessOutput ? last.output : nil
            } else {
                let kind = Kind(last.status)
                element.addChild(attemptElement(kind.isError ? "error" : "failure", for: last, withTime: false,
                                                storeOutput: options.storeFailureOutput))
                for attempt in earlier where !attempt.status.isSuccess {
                    let kind = Kind(attempt.status)
                    element.addChild(attemptElement(kind.isError ? "rerunError" : "rerunFailure", for: attempt,
                                                    withTime: true, storeOutput: options.storeFailureOutput))
                }
                output = options.storeFailureOutput ? last.output : nil
            }
            if let output, !XML.sanitized(output).isEmpty {
                element.addChild(XML.element("system-out", [], text: output))
            }
            return element
        }
    }

    /// `<failure>` and its kin for one attempt that did not pass.
    private static func attemptElement(_ tag: String, for attempt: TestExecution, withTime: Bool,
                                       storeOutput: Bool) -> XMLElement {
        let kind = Kind(attempt.status)
        let message = kind.message(output: attempt.output, duration: attempt.duration)
        var attributes: [(String, String)] = withTime ? [("time", seconds(attempt.duration))] : []
        attributes += [("message", message), ("type", kind.type)]
        var text = storeOutput ? attempt.output : (panicExcerpt(attempt.output) ?? "")
        if case .couldNotStart(let reason) = attempt.status, !text.contains(reason) {
            text = text.isEmpty ? reason : reason + "\n" + text
        }
        return XML.element(tag, attributes, text: text)
    }

    /// How an attempt went wrong, as JUnit names it.
    private enum Kind {
        case exitCode(Int32)
        case signal(Int32)
        case timeout
        case notStarted(String)
        case passed

        init(_ status: TestStatus) {
            switch status {
            case .passed: self = .passed
            case .failed(let code): self = .exitCode(code)
            case .crashed(let signal): self = .signal(signal)
            case .timedOut: self = .timeout
            case .couldNotStart(let reason): self = .notStarted(reason)
            }
        }

        var isError: Bool {
            if case .notStarted = self { return true }
            return false
        }

        var type: String {
            switch self {
            case .exitCode(let code): return "test failure with exit code \(code)"
            case .signal(let signal): return signalName(signal)
            case .timeout: return "timeout"
            case .notStarted: return "execution failure"
            case .passed: return "test failure"
            }
        }

        func message(output: String, duration: Double) -> String {
            switch self {
            case .exitCode(let code):
                return panicLine(output) ?? "test failure with exit code \(code)"
            case .signal(let signal):
                return "process aborted with signal \(signal) (\(signalName(signal)))"
            case .timeout:
                return "test timed out: killed after \(seconds(duration))s"
            case .notStarted(let reason):
                return reason.split(whereSeparator: isLineBreak).first.map(String.init)
                    ?? "could not start the test"
            case .passed:
                return panicLine(output) ?? "test failure"
            }
        }
    }

    /// `thread 'x' panicked at src/lib.rs:3:5`, as nextest's message heuristic finds it.
    static func panicLine(_ output: String) -> String? {
        guard let excerpt = panicExcerpt(output) else { return nil }
        var line = excerpt.prefix { !isLineBreak($0) }.trimmingCharacters(in: .whitespaces)
        if line.hasSuffix(":") { line.removeLast() }
        return line
    }

    /// From the first panic line to the end of the output, without the
    /// `RUST_BACKTRACE` note.
    static func panicExcerpt(_ output: String) -> String? {
        let lines = output.split(omittingEmptySubsequences: false, whereSeparator: isLineBreak)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("thread '") && $0.contains("' panicked at ") })
        else { return nil }
        let kept = lines[start...].prefix { !$0.hasPrefix("note: run with `RUST_BACKTRACE=") }
        return kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `\n` or `\r\n` (one `Character`), not the other characters Unicode calls newlines.
    static func isLineBreak(_ character: Character) -> Bool { character == "\n" || character == "\r\n" }

    static func seconds(_ value: Double) -> String {
        String(format: "%.3f", value.isFinite ? max(0, value) : 0)
    }

    static func timestampText(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func signalName(_ signal: Int32) -> String { SignalNames.name(signal) }

    // MARK: Writing

    /// Why the report could not be written.
    enum WriteError: Error, CustomStringConvertible {
        case createDirectory(URL, underlying: String)
        case write(URL, underlying: String)
        case rename(from: URL, to: URL, errno: Int32)

        var description: String {
            switch self {
            case .createDirectory(let directory, let underlying):
                return "cannot create \(directory.path) for the JUnit report: \(underlying)"
            case .write(let file, let underlying):
                return "cannot write the JUnit report \(file.path): \(underlying)"
            case .rename(let from, let to, let code):
                return "cannot move the JUnit report \(from.path) to \(to.path): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Writes beside `url`, then renames over it: readers see the old file or the new one, never half of one.
    static func writeAtomically(_ text: String, to url: URL) throws(WriteError) {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .createDirectory(directory, underlying: error.localizedDescription)
        }
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UUID().uuidString).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw .write(temporary, underlying: error.localizedDescription)
        }
        if rename(temporary.path, url.path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(at: temporary)
            throw .rename(from: temporary, to: url, errno: code)
        }
    }
}

extension JUnitReporter {
/// Text made safe for XML 1.0.
enum XML {
    /// Without ANSI escape sequences and the characters XML 1.0 cannot carry
    /// (controls other than tab, newline and carriage return; U+FFFE, U+FFFF).
    static func sanitized(_ text: String) -> String {
        var kept = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if scalar == "\u{1B}" {
                skipEscapeSequence(&scalars)
                continue
            }
            if isAllowed(scalar) { kept.append(scalar) }
        }
        return String(kept)
    }

    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// After an ESC: CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL` or `ESC ] ... ESC \`), or a two-character escape.
    private static func skipEscapeSequence(_ scalars: inout String.UnicodeScalarView.Iterator) {
        guard let introducer = scalars.next() else { return }
        switch introducer {
        case "[":
            while let scalar = scalars.next(), !(0x40...0x7E).contains(scalar.value) {}
        case "]":
            var previous: Unicode.Scalar?
            while let scalar = scalars.next() {
                if scalar == "\u{07}" || (previous == "\u{1B}" && scalar == "\\") { break }
                previous = scalar
            }
        default:
            break
        }
    }

    /// An element with attributes in the order given and optional text; FoundationXML escapes both.
    static func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) -> XMLElement {
        let element = XMLElement(name: name)
        for (key, value) in attributes {
            element.addAttribute(XMLNode.attribute(withName: key, stringValue: sanitized(value)) as! XMLNode)
        }
        if let text, !sanitized(text).isEmpty {
            element.addChild(XMLNode.text(withStringValue: sanitized(text)) as! XMLNode)
        }
        return element
    }

    /// The whole document, indented, with its XML declaration.
    static func document(_ root: XMLElement) -> String {
        let document = XMLDocument(rootElement: root)
        document.version = "1.0"
        document.characterEncoding = "UTF-8"
        return document.xmlString(options: [.nodePrettyPrint]) + "\n"
    }
}
}
