import Testing
import TrimConfig

@Suite struct DurationTests {
    @Test(arguments: [
        ("500ms", 0.5), ("30s", 30), ("2m", 120), ("1h", 3600), ("1d", 86_400),
        ("1m 30s", 90), ("1h30m", 5400), ("1m30s500ms", 90.5), (" 45 s ", 45), ("1.5s", 1.5),
        ("0s", 0), ("250us", 0.000_25), ("10 seconds", 10), ("2 mins", 120), ("3hours", 10_800),
    ])
    func parses(text: String, seconds: Double) throws {
        let parsed = try ConfigDuration(parsing: text)
        #expect(abs(parsed.seconds - seconds) < 1e-12)
        #expect(ConfigDuration(argument: text) == parsed)
    }

    @Test(arguments: [
        ("", "it is empty"), ("   ", "it is empty"), ("30", "\"30\" has no unit"), ("s", "expected a number"),
        ("-5s", "no sign"), ("+5s", "no sign"), ("5x", "unknown unit \"x\""), ("5 parsecs", "unknown unit"),
        ("1..5s", "is not a number"), ("1m 30", "\"30\" has no unit"), ("garbage", "expected a number"),
        ("5s!", "expected a number at \"!\""),
    ])
    func rejectsGarbage(text: String, reason: String) {
        #expect(ConfigDuration(argument: text) == nil)
        #expect {
            try ConfigDuration(parsing: text)
        } throws: { error in
            let error = error as! DurationParseError
            return error.reason.contains(reason) && error.description.contains("\"\(text)\"")
                && error.description.contains("ms, s, m, h or d")
        }
    }

    @Test func describesItselfInTheShortestExactUnit() {
        #expect(ConfigDuration(seconds: 60).description == "1m")
        #expect(ConfigDuration(seconds: 90).description == "90s")
        #expect(ConfigDuration(seconds: 0.5).description == "500ms")
        #expect(ConfigDuration(seconds: 7200).description == "2h")
        #expect(ConfigDuration(seconds: 0).description == "0s")
        #expect(ConfigDuration(seconds: 1.5).duration == .milliseconds(1500))
    }
}
