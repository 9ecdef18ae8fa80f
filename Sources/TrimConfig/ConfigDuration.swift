/// A span of time as the configuration file writes it: `"500ms"`, `"30s"`,
/// `"2m"`, `"1h"`, or several parts added up, `"1m 30s"`, `"1h30m"` (the
/// syntax of nextest's `humantime` durations, plus decimals: `"1.5s"`).
///
/// Named `ConfigDuration`, not `Duration`, so that a module importing
/// TrimConfig still means `Swift.Duration` when it writes `Duration`.
public struct ConfigDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// Units, longest spelling first within each group; `m` is minutes (as in
    /// humantime), never months.
    static let units: [(names: [String], seconds: Double)] = [
        (["nanoseconds", "nanosecond", "nsec", "ns"], 1e-9),
        (["microseconds", "microsecond", "usec", "us", "µs"], 1e-6),
        (["milliseconds", "millisecond", "msec", "ms"], 1e-3),
        (["seconds", "second", "secs", "sec", "s"], 1),
        (["minutes", "minute", "mins", "min", "m"], 60),
        (["hours", "hour", "hrs", "hr", "h"], 3600),
        (["days", "day", "d"], 86_400),
    ]

    static let allowedDescription =
        "a number followed by a unit: ms, s, m, h or d (e.g. \"500ms\", \"30s\", \"2m\", \"1h\", \"1m 30s\")"

    /// Parses `text`; throws for anything that is not one or more
    /// `<number><unit>` parts (a bare number, a sign, an unknown unit, "").
    public init(parsing text: String) throws(DurationParseError) {
        let chars = Array(text)
        var index = 0
        var total = 0.0
        var parts = 0
        func skipSpaces() { while index < chars.count, chars[index].isWhitespace { index += 1 } }
        skipSpaces()
        if index == chars.count { throw DurationParseError(text: text, reason: "it is empty") }
        while index < chars.count {
            let numberStart = index
            while index < chars.count, chars[index].isASCII, chars[index].isNumber || chars[index] == "." {
                index += 1
            }
            let number = String(chars[numberStart..<index])
            guard !number.isEmpty else {
                let rest = String(chars[index...])
                if chars[index] == "-" || chars[index] == "+" {
                    throw DurationParseError(text: text, reason: "a duration has no sign")
                }
                throw DurationParseError(text: text, reason: "expected a number at \"\(rest)\"")
            }
            guard let value = Double(number), value.isFinite else {
                throw DurationParseError(text: text, reason: "\"\(number)\" is not a number")
            }
            skipSpaces()
            let unitStart = index
            while index < chars.count, chars[index].isLetter { index += 1 }
            let unit = String(chars[unitStart..<index])
            guard !unit.isEmpty else {
                throw DurationParseError(
                    text: text, reason: "\"\(number)\" has no unit (write \"\(number)s\" for seconds)")
            }
            guard let scale = Self.units.first(where: { $0.names.contains(unit) })?.seconds else {
                throw DurationParseError(text: text, reason: "unknown unit \"\(unit)\"")
            }
            total += value * scale
            parts += 1
            skipSpaces()
        }
        guard total.isFinite else { throw DurationParseError(text: text, reason: "it is too long") }
        seconds = total
    }

    /// For `ExpressibleByArgument` (swift-argument-parser): a command line
    /// module can declare `extension ConfigDuration: ExpressibleByArgument {}`.
    public init?(argument: String) {
        guard let parsed = try? ConfigDuration(parsing: argument) else { return nil }
        self = parsed
    }

    public var duration: Swift.Duration { .nanoseconds(Int64((seconds * 1e9).rounded())) }

    /// The shortest exact spelling among whole `h`, `m`, `s`, `ms`; else seconds with decimals.
    public var description: String { Self.format(seconds) }

    static func format(_ seconds: Double) -> String {
        if seconds == 0 { return "0s" }
        for (unit, scale) in [("h", 3600.0), ("m", 60.0), ("s", 1.0), ("ms", 0.001)] {
            let count = seconds / scale
            if count >= 1, count == count.rounded(), count < 1e15 { return "\(Int64(count))\(unit)" }
        }
        return "\(seconds)s"
    }

    public static func < (lhs: ConfigDuration, rhs: ConfigDuration) -> Bool { lhs.seconds < rhs.seconds }
}

/// Why a duration string did not parse.
public struct DurationParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String {
        "invalid duration \"\(text)\": \(reason); expected \(ConfigDuration.allowedDescription)"
    }
}
