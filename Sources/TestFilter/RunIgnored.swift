/// `--run-ignored`: which of the `#[ignore]`d and the other tests run.
public enum RunIgnored: String, CaseIterable, Hashable, Sendable {
    /// Only the tests that are not ignored (what a run does by default).
    case `default`
    /// Only the ignored tests (nextest also accepts `ignored-only`).
    case only
    /// Both.
    case all

    /// The value of `--run-ignored`: `default`, `only` (or `ignored-only`), `all`.
    public init?(argument: String) {
        if argument == "ignored-only" {
            self = .only
        } else if let value = RunIgnored(rawValue: argument) {
            self = value
        } else {
            return nil
        }
    }

    public func admits(ignored: Bool) -> Bool {
        switch self {
        case .default: return !ignored
        case .only: return ignored
        case .all: return true
        }
    }
}
