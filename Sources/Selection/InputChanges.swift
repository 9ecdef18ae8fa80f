import TrimConfig
import TrimModel

/// The reasons a test's inputs outside the code give to run it again: one
/// pure function of what the test read when it last ran (`TestInputs`),
/// what those inputs are now (`InputState`, hashed the same way) and the
/// network policy.
///
/// - `file-changed`: a file it read (opened, stat'ed, executed) now has
///   other content, is gone, or now exists where it found none; a directory
///   it listed has other entries.
/// - `env-changed`: a variable it read now has another value, is unset, or
///   is now set (under strace: any tracked variable changed).
/// - `network`: it used an address whose policy is `always`, or
///   `when-files-change` and a matching file was added, removed or edited
///   (or the policy's patterns are new since the test ran).
/// - `no-coverage`: its inputs were not all observed (the trace is
///   incomplete, or tracing was unavailable).
///
/// A test with no inputs gets no reason. An input the configuration ignores
/// now (`InputState` answers nil) is no reason either.
public enum InputChanges {
    public static func reasons(recorded: TestInputs, current: InputState, policy: NetworkPolicy) -> [Reason] {
        var reasons: [Reason] = []
        if !recorded.isComplete {
            reasons.append(
                Reason(
                    .noCoverage,
                    detail: "not all of its inputs (files, variables, network) were "
                        + "recorded: " + recorded.problems.joined(separator: "; ")))
        }
        if let files = fileReason(recorded, current) { reasons.append(files) }
        if let env = envReason(recorded, current) { reasons.append(env) }
        if let network = networkReason(recorded, current, policy) { reasons.append(network) }
        return reasons
    }

    static func fileReason(_ recorded: TestInputs, _ current: InputState) -> Reason? {
        var changes: [(path: String, sentence: String)] = []
        // Reported in path order: the changes alone are sorted (most tests have none).
        for (path, then) in recorded.files {
            guard let now = current.fileHash(path), now != then else { continue }
            let listing = path.hasSuffix("/")
            let sentence: String
            if now == TestInputs.missing {
                sentence = listing ? "a directory it listed is gone: \(path)" : "a file it read is gone: \(path)"
            } else if then == TestInputs.missing {
                sentence =
                    listing
                    ? "a directory it looked for now exists: \(path)"
                    : "a file it looked for now exists: \(path)"
            } else {
                sentence = listing ? "a directory it listed changed: \(path)" : "a file it read changed: \(path)"
            }
            changes.append((path, sentence))
        }
        changes.sort { $0.path < $1.path }
        guard let first = changes.first else { return nil }
        return Reason(.fileChanged, locations: changes.map(\.path), detail: first.sentence + more(changes.count))
    }

    static func envReason(_ recorded: TestInputs, _ current: InputState) -> Reason? {
        var changes: [(name: String, sentence: String)] = []
        for (name, then) in recorded.env {
            guard let now = current.variableHash(name), now != then else { continue }
            if name == TestInputs.wholeEnvironment {
                changes.append(
                    (
                        name,
                        "its environment changed (traced with strace, which cannot see which "
                            + "variables a process reads: all of them count)"
                    ))
            } else if now == TestInputs.unset {
                changes.append((name, "\(name) is now unset"))
            } else if then == TestInputs.unset {
                changes.append((name, "\(name) is now set"))
            } else {
                changes.append((name, "\(name) changed"))
            }
        }
        changes.sort { $0.name < $1.name }
        guard let first = changes.first else { return nil }
        let sentence =
            first.name == TestInputs.wholeEnvironment
            ? first.sentence
            : "a variable it read: " + first.sentence
        return Reason(.envChanged, locations: changes.map(\.name), detail: sentence + more(changes.count))
    }

    static func networkReason(_ recorded: TestInputs, _ current: InputState, _ policy: NetworkPolicy) -> Reason? {
        var endpoints: [String] = []
        var files: [String] = []
        var sentences: [String] = []
        for endpoint in recorded.network {
            let (action, rule) = policy.decision(for: endpoint)
            let source = rule.map { "\($0.keyPath.isEmpty ? $0.address : $0.keyPath): " } ?? "default: "
            switch action {
            case .ignore:
                continue
            case .always:
                endpoints.append(endpoint)
                sentences.append("it connected to \(endpoint) (network policy \(source)always)")
            case .whenFilesChange(let patterns):
                let recordedPatterns = Set(recorded.watchPatterns)
                let unrecorded = patterns.filter { !recordedPatterns.contains($0) }
                if !unrecorded.isEmpty {
                    endpoints.append(endpoint)
                    sentences.append(
                        "it connected to \(endpoint), and the network policy (\(source)"
                            + "when-files-change) watches files not recorded when it ran: "
                            + unrecorded.joined(separator: ", "))
                    continue
                }
                let globs = patterns.map(PathPattern.init)
                let then = recorded.watched.filter { path, _ in globs.contains { $0.matches(path) } }
                let now = current.filesMatching(patterns)
                let changed = Set(then.keys).union(now.keys).filter { then[$0] != now[$0] }.sorted()
                guard let first = changed.first else { continue }
                endpoints.append(endpoint)
                files += changed
                let what = then[first] == nil ? "was added" : now[first] == nil ? "is gone" : "changed"
                sentences.append(
                    "it connected to \(endpoint) and \(first) \(what) (network policy \(source)"
                        + "when-files-change)" + more(changed.count, noun: "file"))
            }
        }
        guard let first = sentences.first else { return nil }
        var locations = endpoints
        for file in files where !locations.contains(file) { locations.append(file) }
        return Reason(.network, locations: locations, detail: first + more(sentences.count, noun: "address"))
    }

    /// " (and 2 more)" for three items.
    static func more(_ count: Int, noun: String? = nil) -> String {
        guard count > 1 else { return "" }
        guard let noun else { return " (and \(count - 1) more)" }
        return " (and \(count - 1) more \(noun)\(count > 2 ? (noun.hasSuffix("s") ? "es" : "s") : ""))"
    }
}
