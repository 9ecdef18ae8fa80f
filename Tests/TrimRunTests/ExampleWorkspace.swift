import Foundation
import Testing
import TrimModel
import ProcessSpawn

/// A private copy of `Examples/ledger` with extra tests written into it, and
/// the built `trim` executable run against it as a user would.
struct ExampleWorkspace {
    let root: URL
    /// Whether `run` adds `--workspace` when the arguments select no package.
    var wholeWorkspace = true

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `add` and `mul`, a test per branch, a failing test, an aborting test,
    /// and a test that sleeps when FIXTURE_SLOW is set.
    static let extra = """
        pub fn add(a: u64, b: u64) -> u64 {
            a + b
        }

        pub fn mul(a: u64, b: u64) -> u64 {
            a * b
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn adds() {
                assert_eq!(add(2, 3), 5);
            }

            #[test]
            fn fails() {
                assert_eq!(mul(2, 3), 7, "a deliberately failing test");
            }

            #[test]
            fn aborts() {
                if add(1, 1) == 2 {
                    std::process::abort();
                }
            }

            #[test]
            fn slow() {
                if std::env::var_os("FIXTURE_SLOW").is_some() {
                    std::thread::sleep(std::time::Duration::from_secs(60));
                }
            }

            /// Its child (this binary, running `adds`) writes a complete dump;
            /// then this process is killed and writes none. Its coverage must
            /// stay unknown, not become the child's.
            #[test]
            fn killed_after_its_child() {
                let me = std::env::current_exe().unwrap();
                let child = std::process::Command::new(me)
                    .args(["--exact", "extra::tests::adds"])
                    .status()
                    .unwrap();
                assert!(child.success());
                let pid = std::process::id().to_string();
                let _ = std::process::Command::new("kill").args(["-9", pid.as_str()]).status();
                std::thread::sleep(std::time::Duration::from_secs(5));
            }

            #[test]
            #[ignore]
            fn ignored() {}
        }
        """

    /// An existing workspace directory.
    init(root: URL, wholeWorkspace: Bool = true) {
        self.root = root
        self.wholeWorkspace = wholeWorkspace
    }

    init(withExtraTests: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-run-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.repository.appendingPathComponent("Examples/ledger"), to: root)
        try? FileManager.default.removeItem(at: root.appendingPathComponent("target"))
        if withExtraTests {
            try Self.extra.write(to: root.appendingPathComponent("src/extra.rs"), atomically: true, encoding: .utf8)
            let lib = root.appendingPathComponent("src/lib.rs")
            try (try String(contentsOf: lib, encoding: .utf8) + "\npub mod extra;\n")
                .write(to: lib, atomically: true, encoding: .utf8)
        }
    }

    var database: URL { root.appendingPathComponent("target/trim/trim.db") }

    static var binDirectory: URL {
        URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]).deletingLastPathComponent()
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `trim ARGS` (or another built executable) with the workspace as
    /// the current directory (or `directory`). These tests are about the whole
    /// example, so `run`, `plan` and `list` get `--workspace` unless the
    /// arguments select packages themselves (in the root package's directory
    /// cargo, and so trim, would test the root package only).
    func run(_ arguments: [String], executable: String = "trim", environment: [String: String] = [:],
             in directory: URL? = nil) throws -> Outcome {
        let finished = try ChildProcess.run(
            Self.binDirectory.appendingPathComponent(executable).path,
            executable == "trim" && wholeWorkspace ? Self.wholeWorkspace(arguments) : arguments,
            directory: (directory ?? root).path,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new })
        return Outcome(status: finished.status, stdout: String(decoding: finished.stdout, as: UTF8.self),
                       stderr: String(decoding: finished.stderr, as: UTF8.self))
    }
}

extension ExampleWorkspace {
    static func wholeWorkspace(_ arguments: [String]) -> [String] {
        guard let command = arguments.first, ["run", "plan", "list"].contains(command) else { return arguments }
        let selecting = arguments.contains {
            ["-p", "--package", "--workspace", "--exclude"].contains($0) || $0.hasPrefix("--package=")
        }
        return selecting ? arguments : [command, "--workspace"] + arguments.dropFirst()
    }
}
