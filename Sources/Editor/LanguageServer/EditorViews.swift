import Foundation
import TrimModel

/// What the language server shows, computed from the coverage index alone:
/// diagnostics, code lenses, hover text, the failure path. Pure functions.
enum EditorViews {
    static func isFailure(_ outcome: Outcome) -> Bool {
        outcome == .failed || outcome == .crashed || outcome == .timedOut
    }

    static func position(line: Int, character: Int) -> [String: Any] { ["line": line, "character": character] }

    static func range(line: Int, from: Int = 0, to: Int = 10_000) -> [String: Any] {
        ["start": position(line: line, character: from), "end": position(line: line, character: to)]
    }

    static func testID(_ key: TestKey) -> String { "\(key.binary) \(key.name)" }

    /// File (relative to the root) → its diagnostics: each failing test at its
    /// panic location (else on its function), and the lines of the failure
    /// path shown, if any.
    static func diagnostics(_ index: CoverageIndex, failurePath: TestKey?) -> [String: [[String: Any]]] {
        let paths = WorkspacePaths(root: index.root)
        var byFile: [String: [[String: Any]]] = [:]
        for test in index.tests.values.sorted(by: { $0.key < $1.key }) where isFailure(test.outcome) {
            var diagnostic: [String: Any] = [
                "severity": 1, "source": "trim", "code": testID(test.key),
                "data": ["binary": test.key.binary, "name": test.key.name],
            ]
            var related: [[String: Any]] = []
            if let site = test.function {
                related.append(["location": ["uri": uri(paths.absolute(site.file)), "range": range(line: Int(site.line) - 1)],
                                "message": "the test \(testID(test.key))"])
            }
            diagnostic["relatedInformation"] = related
            let panic = PanicLocation.find(in: test.output ?? "")
            let file: String
            if let panic, let relative = paths.relative(panic.file) {
                file = relative
                diagnostic["range"] = range(line: panic.line - 1, from: max(0, panic.column - 1))
                diagnostic["message"] = panic.message
            } else if let site = test.function {
                file = site.file
                diagnostic["range"] = range(line: Int(site.line) - 1)
                diagnostic["message"] = panic?.message ?? "\(testID(test.key)) \(describe(test.outcome)) (no panic location)"
            } else {
                continue  // nowhere in the workspace to put it
            }
            byFile[file, default: []].append(diagnostic)
        }
        if let key = failurePath, let test = index.tests[key] {
            for (file, lines) in test.lines {
                for range in LineRange.ranges(of: lines) {
                    byFile[file, default: []].append([
                        "severity": 3, "source": "trim path",
                        "message": "executed by \(testID(key)) (\(test.outcome.rawValue))",
                        "range": ["start": position(line: Int(range.first) - 1, character: 0),
                                  "end": position(line: Int(range.last) - 1, character: 10_000)],
                    ])
                }
            }
        }
        return byFile
    }

    static func describe(_ outcome: Outcome) -> String {
        switch outcome {
        case .crashed: return "crashed"
        case .timedOut: return "timed out"
        default: return outcome.rawValue
        }
    }

    static func mark(_ outcome: Outcome) -> String {
        switch outcome {
        case .passed: return "✓"
        case .flaky: return "~"
        case .ignored, .notRun: return "·"
        default: return "✗"
        }
    }

    /// Lenses for `file`: on each test function its last outcome and a run
    /// command; on each other executed function how many tests ran it.
    static func codeLenses(_ index: CoverageIndex, file: String, text: String?) -> [[String: Any]] {
        var lenses: [[String: Any]] = []
        var testLines = Set<UInt32>()
        for test in index.tests.values.sorted(by: { $0.key < $1.key }) {
            guard let site = test.function, site.file == file else { continue }
            testLines.insert(site.line)
            let title = "\(mark(test.outcome)) \(describe(test.outcome)) in \(String(format: "%.2f", test.duration)) s · run"
            lenses.append(["range": range(line: Int(site.line) - 1, to: 0),
                           "command": ["title": title, "command": "trim.runTest", "arguments": [testID(test.key)]]])
        }
        for declaration in TestFunctionScanner.tests(in: text ?? "") where !testLines.contains(UInt32(declaration.line)) {
            lenses.append(["range": range(line: declaration.line - 1, to: 0),
                           "command": ["title": "· not run yet · run", "command": "trim.runTest",
                                       "arguments": [declaration.name]]])
        }
        for (site, keys) in index.testsByFunction where site.file == file && !testLines.contains(site.line) {
            let failing = keys.filter { index.tests[$0].map { isFailure($0.outcome) } ?? false }.count
            lenses.append(["range": range(line: Int(site.line) - 1, to: 0),
                           "command": ["title": "\(keys.count) test\(keys.count == 1 ? "" : "s") · \(failing) failing",
                                       "command": ""]])
        }
        return lenses.sorted { ((($0["range"] as! [String: Any])["start"] as! [String: Any])["line"] as! Int)
            < ((($1["range"] as! [String: Any])["start"] as! [String: Any])["line"] as! Int) }
    }

    static func hover(_ index: CoverageIndex, file: String, line: UInt32) -> [String: Any]? {
        let tests = index.tests(executing: file, line: line)
        guard !tests.isEmpty else { return nil }
        let list = tests.map { "- \(mark($0.outcome)) `\(testID($0.key))` \(describe($0.outcome))" }
        return ["contents": ["kind": "markdown",
                             "value": "**trim**: \(tests.count) test\(tests.count == 1 ? "" : "s") executed this line\n\n"
                                + list.joined(separator: "\n")]]
    }
}

/// `#[test]` functions in Rust source text, by line: for lenses on tests
/// that have no recorded result yet.
enum TestFunctionScanner {
    static func tests(in text: String) -> [(name: String, line: Int)] {
        var found: [(String, Int)] = []
        var pending = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#[test]") { pending = true; continue }
            guard pending else { continue }
            if line.hasPrefix("#[") || line.hasPrefix("//") || line.isEmpty { continue }
            pending = false
            guard let fn = line.range(of: "fn ") else { continue }
            let name = line[fn.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty { found.append((String(name), index + 1)) }
        }
        return found
    }
}

func uri(_ path: String) -> String { URL(fileURLWithPath: path).absoluteString }
