import Foundation
import TrimPipeline

/// `trim list --message-format json|json-pretty`: cargo-nextest's test list
/// (`rust-build-meta`, `test-count`, `rust-suites` keyed by binary id, each
/// suite's `testcases` with `ignored` and `filter-match`), so tools that read
/// nextest's read trim's. trim's own fields sit beside nextest's, named
/// `trim-…`; doctests, which nextest does not run, are under `trim-doctests`.
public enum ListPrinter {
    public static func json(_ list: TestList, pretty: Bool) -> String {
        var suites: [String: Any] = [:]
        var doctests: [String: Any] = [:]
        var count = 0
        for suite in list.suites {
            var cases: [String: Any] = [:]
            for test in suite.cases {
                var match: [String: Any] = [:]
                switch test.filterMatch {
                case .matches: match["status"] = "matches"
                case .mismatch(let reason): match = ["status": "mismatch", "reason": reason.rawValue]
                }
                cases[test.name] = [
                    "ignored": test.ignored,
                    "filter-match": match,
                    "trim-last-outcome": test.lastOutcome.map { $0 as Any } ?? NSNull(),
                    "trim-selected": test.selected,
                    "trim-reasons": test.reasons.map { "\($0.kind.rawValue): \($0.detail)" },
                ]
            }
            guard let binaryPath = suite.binaryPath else {
                doctests[suite.binaryID] = ["package-name": suite.package, "binary-id": suite.binaryID,
                                            "cwd": suite.directory, "testcases": cases]
                continue
            }
            count += suite.cases.count
            suites[suite.binaryID] = [
                "package-name": suite.package,
                "binary-id": suite.binaryID,
                "binary-name": suite.binaryName,
                "package-id": suite.packageID,
                "kind": suite.kind,
                "binary-path": binaryPath,
                "build-platform": "target",
                "cwd": suite.directory,
                "status": "listed",
                "testcases": cases,
            ]
        }
        let document: [String: Any] = [
            "rust-build-meta": [
                "target-directory": list.targetDirectory,
                "base-output-directories": list.baseOutputDirectories,
                "non-test-binaries": [String: Any](),
                "build-script-out-dirs": [String: Any](),
                "linked-paths": [String](),
                "target-platforms": [Any](),
                "target-platform": NSNull(),
            ],
            "test-count": count,
            "rust-suites": suites,
            "trim-doctests": doctests,
            "trim-granularity": list.granularity.rawValue,
        ]
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        let data = (try? JSONSerialization.data(withJSONObject: document, options: options)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
