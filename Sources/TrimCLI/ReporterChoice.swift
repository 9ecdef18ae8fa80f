import Foundation
import Reporting
import Runner
import TrimConfig

/// Who hears a run's events: the human reporter (stdout, or stderr when
/// stdout carries JSON), the JSON event lines, the JUnit report.
enum ReporterChoice {
    static func reporters(format: MessageFormat, progress: Bool, color: HumanReporter.ColorChoice,
                          profile: Profile, trimDirectory: URL) -> TestReporter {
        var reporters: [TestReporter] = []
        let display = DisplaySettings(profile: profile)
        switch format {
        case .human:
            reporters.append(HumanReporter.forStandardOutput(progress: progress, color: color, display: display))
        case .json:
            reporters.append(HumanReporter(progress: false, colors: false, display: display) { text in
                FileHandle.standardError.write(Data(text.utf8))
            })
            reporters.append(JSONEventReporter { line in FileHandle.standardOutput.write(Data(line.utf8)) })
        }
        if let junit = profile.junit, let url = profile.junitReportURL(trimDirectory: trimDirectory) {
            reporters.append(JUnitReporter(
                path: url, reportName: junit.reportName, storeSkipped: junit.storeSkipped,
                storeSuccessOutput: junit.storeSuccessOutput, storeFailureOutput: junit.storeFailureOutput,
                onError: { message in FileHandle.standardError.write(Data("trim: warning: \(message)\n".utf8)) }))
        }
        return reporters.count == 1 ? reporters[0] : ReporterFanOut(reporters)
    }
}

