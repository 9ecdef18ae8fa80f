import Foundation
import Testing
import ProcessSpawn

/// The C trim compiles on users' machines (the coverage runtime, the input
/// interposer, the fixed-random library) compiles here first, with every
/// warning an error, by both compilers a user may have as `cc`.
@Suite struct NativeSourceWarningTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let sources = [
        "Sources/Coverage/Runtime/trim_runtime.c",
        "Sources/InputTracing/Interposer/trimio.c",
        "Sources/History/FixedRandom/trim_fixed_random.c",
    ]

    @Test(arguments: sources)
    func compilesWithoutAWarning(source: String) throws {
        for compiler in ["/usr/bin/cc", "/usr/bin/clang-22"] where FileManager.default.isExecutableFile(atPath: compiler) {
            let finished = try ChildProcess.run(
                compiler, ["-fsyntax-only", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror",
                           Self.repository.appendingPathComponent(source).path], stdout: .inherit)
            let text = String(decoding: finished.stderr, as: UTF8.self)
            #expect(finished.status == 0 && text.isEmpty, "\(compiler) \(source):\n\(text)")
        }
    }
}
