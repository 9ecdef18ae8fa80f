import TrimConfig
import TrimPipeline

/// `trim show-config test-groups` as text: each group, its limit, its tests.
public enum TestGroupPrinter {
    public static func text(_ listing: TestGroupListing) -> String {
        guard !listing.groups.isEmpty else {
            return "no test groups in profile \(listing.profile) (define them as [test-groups.<name>] max-threads = N)\n"
        }
        var text = ""
        for group in listing.groups {
            let written: String
            switch group.maxThreads {
            case .count(let count): written = "\(count)"
            case .numCPUs: written = "num-cpus = \(group.resolvedMaxThreads)"
            case .numCPUsMinus(let fewer): written = "-\(fewer) = \(group.resolvedMaxThreads)"
            }
            let limit = group.name == TestGroup.globalName ? "test-threads" : "max-threads"
            text += "group: \(group.name) (\(limit) = \(written)), \(group.tests.count) test\(group.tests.count == 1 ? "" : "s")\n"
            for test in group.tests { text += "    \(test.binary) \(test.name)\n" }
        }
        return text
    }
}
