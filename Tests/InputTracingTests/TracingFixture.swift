import Coverage
import Foundation
import InputTracing
import TrimModel
import ProcessSpawn

#if canImport(Glibc)
    import Glibc
#endif

/// A workspace with a small Rust test crate compiled by real rustc (`--test`,
/// no dependencies), its data files, a statically linked C program, a C
/// program that checks the interposer leaves calls' results and errno alone,
/// and the interposer built into a private cache.
struct TracingFixture: Sendable {
    static let crate = """
        #[cfg(test)]
        mod tests {
            use std::io::{Read, Write};
            use std::process::Command;

            #[test]
            fn reads_file() {
                let text = std::fs::read_to_string("tests/data/x.txt").unwrap();
                assert!(!text.is_empty());
            }

            #[test]
            fn reads_flag() {
                let flag = std::env::var("MY_FLAG").unwrap_or_default();
                assert!(flag.len() < 1000);
            }

            #[test]
            fn connects() {
                let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                let address = listener.local_addr().unwrap();
                let mut stream = std::net::TcpStream::connect(address).unwrap();
                stream.write_all(b"hi").unwrap();
                let (mut accepted, _) = listener.accept().unwrap();
                let mut buffer = [0u8; 2];
                accepted.read_exact(&mut buffer).unwrap();
                std::fs::write(std::env::var("PORT_FILE").unwrap(), address.port().to_string()).unwrap();
            }

            // The child (a shell, then cat) reads the file; the test reads nothing itself.
            #[test]
            fn spawns_child() {
                let status = Command::new("/bin/sh").arg("-c").arg("cat tests/data/child.txt > /dev/null")
                    .status().unwrap();
                assert!(status.success());
            }

            // A child started with an empty environment is traced all the same,
            // and does not see trim's variables.
            #[test]
            fn spawns_cleared_child() {
                let output = Command::new("/bin/sh").arg("-c").arg("cat tests/data/cleared.txt > /dev/null; env")
                    .env_clear().output().unwrap();
                let env = String::from_utf8_lossy(&output.stdout);
                assert!(output.status.success());
                assert!(!env.contains("TRIM_") && !env.contains("LD_PRELOAD"), "the child saw: {env}");
            }

            #[test]
            fn lists_and_probes() {
                let count = std::fs::read_dir("tests/data/dir").unwrap().count();
                assert_eq!(count, 2);
                assert!(!std::path::Path::new("tests/data/maybe.txt").exists());
            }

            // Moves into tests/: relative paths resolve against the directory at the time of the call.
            #[test]
            fn wanders() {
                std::env::set_current_dir("tests").unwrap();
                assert!(std::fs::read_to_string("data/x.txt").is_ok());
            }

            // A child that reads a file, then dies of SIGABRT: its trace is written from the signal handler.
            #[test]
            fn child_aborts() {
                let status = Command::new(std::env::current_exe().unwrap())
                    .args(["--exact", "tests::reads_then_aborts", "--ignored", "--nocapture"])
                    .status().unwrap();
                assert!(!status.success());
            }

            #[test]
            #[ignore]
            fn reads_then_aborts() {
                let _ = std::fs::read_to_string("tests/data/abort.txt");
                std::process::abort();
            }

            #[test]
            fn nothing() {
                assert_eq!(std::hint::black_box(2) + 2, 4);
            }
        }
        """

    /// A statically linked program: reads tests/data/x.txt, MY_FLAG, connects to 127.0.0.1:PORT.
    static let staticProgram = """
        #include <arpa/inet.h>
        #include <netinet/in.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <unistd.h>
        int main(void) {
          FILE *f = fopen("tests/data/x.txt", "r");
          if (!f) return 3;
          fclose(f);
          const char *flag = getenv("MY_FLAG");
          int port = atoi(getenv("PORT") ? getenv("PORT") : "9");
          int s = socket(AF_INET, SOCK_STREAM, 0);
          struct sockaddr_in a;
          memset(&a, 0, sizeof a);
          a.sin_family = AF_INET;
          a.sin_port = htons((unsigned short)port);
          a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
          connect(s, (struct sockaddr *)&a, sizeof a);  /* refused is fine: the attempt is what counts */
          close(s);
          printf("%s\\n", flag ? flag : "(unset)");
          return 0;
        }
        """

    /// Checks, under the interposer, that wrapped calls give what the real
    /// ones give: results, errno, getenv's edge cases. Exits non-zero naming the first difference.
    static let behaviourProgram = """
        #define _GNU_SOURCE
        #include <dirent.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <sys/stat.h>
        #include <netinet/in.h>
        #include <unistd.h>
        #define CHECK(what, cond) do { if (!(cond)) { fprintf(stderr, "FAIL %s (errno %d)\\n", what, errno); return 1; } } while (0)
        int main(void) {
          struct stat st;
          errno = 0;
          CHECK("open missing", open("tests/data/none.txt", O_RDONLY) == -1 && errno == ENOENT);
          errno = 0;
          CHECK("openat missing", openat(AT_FDCWD, "tests/data/none.txt", O_RDONLY) == -1 && errno == ENOENT);
          errno = 0;
          CHECK("stat missing", stat("tests/data/none.txt", &st) == -1 && errno == ENOENT);
          errno = 0;
          CHECK("lstat notdir", lstat("tests/data/x.txt/y", &st) == -1 && errno == ENOTDIR);
          errno = 0;
          CHECK("access missing", access("tests/data/none.txt", R_OK) == -1 && errno == ENOENT);
          errno = 0;
          CHECK("fopen missing", fopen("tests/data/none.txt", "r") == NULL && errno == ENOENT);
          errno = 0;
          CHECK("opendir missing", opendir("tests/data/none") == NULL && errno == ENOENT);
          int fd = open("tests/data/x.txt", O_RDONLY);
          CHECK("open", fd >= 0);
          CHECK("fstatat", fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && st.st_size > 0);
          close(fd);
          errno = 1234;
          CHECK("stat keeps errno on success", stat("tests/data/x.txt", &st) == 0 && errno == 1234);
          errno = 4321;
          CHECK("getenv keeps errno", getenv("MY_FLAG") != NULL && errno == 4321);
          CHECK("getenv value", strcmp(getenv("MY_FLAG"), "on=1") == 0);
          CHECK("getenv empty name", getenv("") == NULL);
          CHECK("getenv unset", getenv("FIXTURE_UNSET") == NULL);
          CHECK("getenv prefix only", getenv("MY_FLA") == NULL);
          CHECK("getenv after setenv", setenv("LATE", "v", 1) == 0 && strcmp(getenv("LATE"), "v") == 0);
          CHECK("secure_getenv", secure_getenv("MY_FLAG") != NULL);
          int s = socket(AF_INET, SOCK_STREAM, 0);
          struct sockaddr_in a;
          memset(&a, 0, sizeof a);
          a.sin_family = AF_INET;
          a.sin_port = htons(9);
          a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
          errno = 0;
          CHECK("connect refused", connect(s, (struct sockaddr *)&a, sizeof a) == -1 && errno == ECONNREFUSED);
          close(s);
          char *path = getcwd(NULL, 0);
          CHECK("getcwd", path != NULL);
          free(path);
          return 0;
        }
        """

    /// Stats `$COUNT` distinct paths under `$BASE`, twice: the event table
    /// grows, deduplicates, and overflows (the trace then says it is incomplete).
    static let manyProgram = """
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/stat.h>
        int main(void) {
          int n = atoi(getenv("COUNT"));
          const char *base = getenv("BASE");
          char path[4096];
          struct stat st;
          for (int round = 0; round < 2; round++)
            for (int i = 0; i < n; i++) {
              snprintf(path, sizeof path, "%s/%d", base, i);
              stat(path, &st);
            }
          return 0;
        }
        """

    let root: URL
    let workspace: URL
    let scratch: URL
    let library: URL
    let executable: URL
    let instrumented: URL
    let staticExecutable: URL
    let behaviourExecutable: URL
    let manyExecutable: URL
    let tracer: InputTracer
    let filter: InputFilter

    static let shared: Result<TracingFixture, FixtureError> = Result { () throws(FixtureError) in
        do {
            return try TracingFixture()
        } catch let error as FixtureError {
            throw error
        } catch {
            throw FixtureError(description: "\(error)")
        }
    }

    static func get() throws -> TracingFixture { try shared.get() }

    private init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-inputs-\(UUID().uuidString)")
        workspace = root.appendingPathComponent("ws")
        scratch = root.appendingPathComponent("scratch")
        let build = workspace.appendingPathComponent("target")
        for directory in [workspace.appendingPathComponent("tests/data/dir"), scratch, build] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        try Self.crate.write(to: workspace.appendingPathComponent("lib.rs"), atomically: true, encoding: .utf8)
        for (name, text) in [
            ("x.txt", "hello\n"), ("child.txt", "child\n"), ("cleared.txt", "cleared\n"),
            ("abort.txt", "abort\n"), ("dir/a", "a"), ("dir/b", "b"),
        ] {
            try text.write(
                to: workspace.appendingPathComponent("tests/data/\(name)"), atomically: true, encoding: .utf8)
        }
        let cache = root.appendingPathComponent("cache")
        library = try InputTracer.library(cacheDirectory: cache)
        tracer = try InputTracer(cacheDirectory: cache)

        executable = build.appendingPathComponent("fx")
        try Self.check(
            "rustc",
            Self.tool(
                "rustc", ["--edition", "2021", "--test", "-o", executable.path, "lib.rs"],
                in: workspace))
        let coverage = try CoverageRuntime.library(cacheDirectory: cache)
        instrumented = build.appendingPathComponent("fx-instrumented")
        try Self.check(
            "rustc (instrumented)",
            Self.tool(
                "rustc",
                ["--edition", "2021", "--test", "-o", instrumented.path, "lib.rs"]
                    + SanitizerCoverage.rustcFlags(runtimeLibrary: coverage), in: workspace))

        let cSource = root.appendingPathComponent("static.c")
        try Self.staticProgram.write(to: cSource, atomically: true, encoding: .utf8)
        staticExecutable = build.appendingPathComponent("static-reader")
        try Self.check(
            "cc -static",
            Self.tool(
                "cc", ["-static", "-O1", "-o", staticExecutable.path, cSource.path],
                in: root))
        let behaviourSource = root.appendingPathComponent("behaviour.c")
        try Self.behaviourProgram.write(to: behaviourSource, atomically: true, encoding: .utf8)
        behaviourExecutable = build.appendingPathComponent("behaviour")
        try Self.check("cc", Self.tool("cc", ["-O1", "-o", behaviourExecutable.path, behaviourSource.path], in: root))

        let manySource = root.appendingPathComponent("many.c")
        try Self.manyProgram.write(to: manySource, atomically: true, encoding: .utf8)
        manyExecutable = build.appendingPathComponent("many")
        try Self.check("cc", Self.tool("cc", ["-O1", "-o", manyExecutable.path, manySource.path], in: root))

        filter = InputFilter(workspaceRoot: workspace, targetDirectory: build)
    }

    // MARK: running traced

    struct Run: Sendable {
        var status: Int32
        var pid: Int32
        var output: String
        var session: TraceSession
        var environment: [String: String]

        var exitedCleanly: Bool { status == 0 }
    }

    /// Runs `arguments` of `executable` in the workspace with `method`, as the
    /// pipeline will: the session's environment and command, a pid for the trace.
    func run(
        _ executable: URL, _ arguments: [String], method: TracingMethod, stem: String,
        environment extra: [String: String] = [:], in directory: URL? = nil
    ) -> Run {
        let session = tracer.session(method: method, directory: scratch, stem: stem)
        session.removeFiles()
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("TRIM_") || key == "LD_PRELOAD" { environment[key] = nil }
        environment.merge(extra) { _, new in new }
        let given = environment
        environment = session.environment(adding: environment)
        let command = session.command(executable: executable.path, arguments: arguments)
        let output = scratch.appendingPathComponent("\(stem).out")
        let (status, pid) = Self.spawn(
            command.executable, command.arguments, in: (directory ?? workspace).path,
            environment: environment, output: output.path)
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return Run(status: status, pid: pid, output: text, session: session, environment: given)
    }

    /// Runs one libtest test of `executable` traced by `method` and returns its inputs.
    func inputs(
        of test: String, method: TracingMethod, executable: URL? = nil, stem: String? = nil,
        environment: [String: String] = [:], in directory: URL? = nil, filter: InputFilter? = nil,
        watchPatterns: ([String]) -> [String] = { _ in [] }
    ) throws -> (TestInputs, Run) {
        let run = run(
            executable ?? self.executable, ["--exact", "tests::\(test)", "--nocapture"], method: method,
            stem: stem ?? "\(test)-\(method.name)", environment: environment, in: directory)
        guard run.exitedCleanly else {
            throw FixtureError(
                description: "tests::\(test) under \(method.name): wait status \(run.status)\n\(run.output)")
        }
        let inputs = run.session.inputs(
            testPID: run.pid, testDirectory: (directory ?? workspace).path,
            filter: filter ?? self.filter, environment: run.environment,
            watchPatterns: watchPatterns)
        return (inputs, run)
    }

    var preload: TracingMethod { .preload(library: library) }
    var strace: TracingMethod { .strace(path: tracer.strace ?? "/usr/bin/strace") }

    /// Starts `path` in `directory` with exactly `environment`, output to
    /// `output`; returns the wait status (as waitpid gives it) and the pid.
    static func spawn(
        _ path: String, _ arguments: [String], in directory: String, environment: [String: String],
        output: String
    ) -> (Int32, Int32) {
        guard let finished = try? ChildProcess.run(path, arguments, directory: directory, environment: environment,
                                                   stderr: .toStdout)
        else { return (-1, 0) }
        guard FileManager.default.createFile(atPath: output, contents: finished.stdout) else { return (-1, 0) }
        switch finished.exit {
        case .exited(let code): return ((code & 0xFF) << 8, finished.pid)
        case .signalled(let signal): return (signal & 0x7F, finished.pid)
        }
    }

    static func tool(_ tool: String, _ arguments: [String], in directory: URL) -> (Int32, String) {
        do {
            let finished = try ChildProcess.run("/usr/bin/env", [tool] + arguments, directory: directory.path,
                                                stderr: .toStdout)
            let text = String(decoding: finished.stdout, as: UTF8.self)
            guard case .exited(let code) = finished.exit else { return (-1, text) }
            return (code, text)
        } catch {
            return (-1, "\(error)")
        }
    }

    static func check(_ what: String, _ result: (Int32, String)) throws {
        guard result.0 == 0 else { throw FixtureError(description: "\(what) failed (\(result.0)):\n\(result.1)") }
    }
}

struct FixtureError: Error, CustomStringConvertible, Sendable {
    var description: String
}
