import BlockIR
import Foundation
import InputTracing
import Testing
import TrimModel

/// The trace formats, addresses, patterns and the filter, on hand-written input.
@Suite struct TraceFormatTests {
    /// A trace file: `header` (the first five fields), the length of the records, the records.
    static func trace(_ header: String, _ records: [String]) -> Data {
        var body = Data()
        for record in records { body.append(contentsOf: Array(record.utf8) + [0]) }
        return Data((header + " \(body.count)\n").utf8) + body
    }

    @Test func interposerTraceParses() throws {
        let data = Self.trace(
            "TRIMIO1 42 7 0 0",
            [
                "f/ws/tests/data/x.txt", "d/ws/tests/data", "eMY_FLAG", "n127.0.0.1:5432",
                "n[0:0:0:0:0:0:0:1]:80", "n[0:0:0:0:0:ffff:a00:1]:443", "nunix:/run/db.sock", "f/ws/tests/data/x.txt",
            ])
        let trace = try ProcessTrace.parse(data, path: "t.io")
        #expect(trace.pid == 42 && trace.parentPID == 7 && trace.signal == 0)
        #expect(trace.events.files == ["/ws/tests/data/x.txt"])
        #expect(trace.events.listings == ["/ws/tests/data"])
        #expect(trace.events.variables == ["MY_FLAG"])
        #expect(trace.events.endpoints == ["127.0.0.1:5432", "[::1]:80", "10.0.0.1:443", "unix:/run/db.sock"])
        #expect(trace.events.isComplete)

        let incomplete = try ProcessTrace.parse(Self.trace("TRIMIO1 42 7 6 3", []), path: "t.io")
        #expect(incomplete.signal == 6)
        #expect(!incomplete.events.isComplete)
    }

    @Test func malformedTracesAreErrors() {
        for (data, reason) in [
            (Data("TRIMIO1 1 2 0 0 0".utf8), "no header line"),
            (Data("TRIMIO9 1 2 0 0 0\n".utf8), "bad header"),
            (Data("TRIMIO1 1 2 0 0\n".utf8), "bad header"),
            (Data("TRIMIO1 1 2 0 0 8\nf/no-end".utf8), "has no end"),
            (Data("TRIMIO1 1 2 0 0 20\nf/cut\0".utf8), "killed while writing it"),
            (Self.trace("TRIMIO1 1 2 0 0", ["z/what"]), "unknown record kind"),
        ] {
            do {
                _ = try ProcessTrace.parse(data, path: "bad.io")
                Issue.record("expected an error for \(reason)")
            } catch {
                #expect(error.description.hasPrefix("bad.io: ") && error.description.contains(reason), "\(error)")
            }
        }
    }

    @Test func straceOutputParses() {
        let log = StraceLog.parse(
            #"""
            100 execve("./fx", ["./fx", "--exact"], 0x7ffc /* 35 vars */) = 0
            100 openat(AT_FDCWD</ws>, "/proc/self/maps", O_RDONLY|O_CLOEXEC) = 3</proc/100/maps>
            101 openat(AT_FDCWD</ws>, "tests/data/x.txt", O_RDONLY|O_CLOEXEC) = 3</ws/tests/data/x.txt>
            101 openat(AT_FDCWD</ws>, "out.txt", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 4</ws/out.txt>
            101 openat(AT_FDCWD</ws>, "log.txt", O_RDWR|O_CREAT|O_TRUNC, 0666) = 4</ws/log.txt>
            101 openat(AT_FDCWD</ws>, "tests/data/dir", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 5</ws/tests/data/dir>
            101 openat(5</ws/tests/data/dir>, "inner", O_RDONLY|O_CLOEXEC) = 6</ws/tests/data/dir/inner>
            101 statx(AT_FDCWD</ws>, "tests/data/maybe.txt", AT_STATX_SYNC_AS_STAT, STATX_ALL, 0x7ffd) = -1 ENOENT (No such file or directory)
            101 statx(3</ws/tests/data/x.txt>, "", AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH, STATX_ALL, {stx_mask=STATX_ALL}) = 0
            101 statx(0</dev/null>, NULL, AT_STATX_SYNC_AS_STAT, STATX_ALL, NULL) = -1 EFAULT (Bad address)
            101 newfstatat(AT_FDCWD</ws>, "with \"quote\" and \303\251\\", 0x7ffc, 0) = -1 ENOENT (No such file or directory)
            101 connect(7<socket:[872006]>, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
            101 connect(8<socket:[1]>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28 <unfinished ...>
            101 <... connect resumed>) = -1 ECONNREFUSED (Connection refused)
            101 connect(9<socket:[2]>, {sa_family=AF_UNIX, sun_path="/run/db.sock"}, 110) = 0
            101 connect(9<socket:[2]>, {sa_family=AF_UNIX, sun_path=@"abstract"}, 11) = 0
            102 chdir("tests") = 0
            102 stat("data/x.txt", {st_mode=S_IFREG|0644, st_size=6, ...}) = 0
            102 open("/etc/passwd", O_RDONLY) = 3
            102 access("rel", R_OK <unfinished ...>
            102 <... access resumed>) = -1 ENOENT (No such file or directory)
            """#, initialDirectory: "/ws")
        #expect(log.rootPID == 100)
        #expect(log.pids == [100, 101, 102])
        #expect(
            log.events.files == [
                "/ws/./fx", "/proc/self/maps", "/ws/tests/data/x.txt", "/ws/tests/data/dir/inner",
                "/ws/tests/data/maybe.txt", "/ws/with \"quote\" and é\\", "/ws/tests/data/x.txt", "/etc/passwd",
                "/ws/tests/rel",
            ])
        #expect(log.events.listings == ["/ws/tests/data/dir"])
        #expect(log.events.endpoints == ["127.0.0.1:5432", "[2001:db8::1]:443", "unix:/run/db.sock", "unix:@abstract"])
        #expect(log.events.environmentUnknown)
        #expect(log.events.isComplete)
    }

    @Test func straceCommandWrapsTheTest() {
        let command = StraceLog.command(
            strace: "/usr/bin/strace", output: "/s/t.strace", executable: "/b/fx",
            arguments: ["--exact", "a"])
        #expect(command.executable == "/usr/bin/strace")
        #expect(command.arguments.starts(with: ["-f", "-qq"]))
        #expect(command.arguments.suffix(5) == ["/s/t.strace", "--", "/b/fx", "--exact", "a"])
        #expect(
            StraceLog.read(URL(fileURLWithPath: "/nonexistent/t.strace"), initialDirectory: "/").events.problems
                .first?.contains("strace wrote no trace") == true)
    }

    @Test func endpointsNormalise() {
        #expect(Endpoint.normalize("127.0.0.1:80") == "127.0.0.1:80")
        #expect(Endpoint.normalize("[0:0:0:0:0:0:0:1]:8080") == "[::1]:8080")
        #expect(Endpoint.normalize("[::ffff:127.0.0.1]:5432") == "127.0.0.1:5432")
        #expect(Endpoint.normalize("[2001:0db8:0:0:0:0:0:1]:443") == "[2001:db8::1]:443")
        #expect(Endpoint.normalize("unix:/x") == "unix:/x")
        for bad in ["127.0.0.1", "example.com:80", "1.2.3.4:70000", "[::1:80", "unix:", ":80"] {
            #expect(Endpoint.normalize(bad) == nil, "\(bad)")
        }
        #expect(
            Endpoint.isLoopback("127.0.0.1:80") && Endpoint.isLoopback("127.8.0.1:1") && Endpoint.isLoopback("[::1]:1"))
        #expect(Endpoint.isLoopback("0.0.0.0:80"))
        #expect(!Endpoint.isLoopback("10.0.0.1:80") && !Endpoint.isLoopback("unix:/x"))
    }

    @Test func pathPatterns() {
        #expect(PathPattern("migrations/**").matches("migrations/001.sql"))
        #expect(PathPattern("migrations/**").matches("migrations/a/b.sql"))
        #expect(PathPattern("migrations").matches("migrations/001.sql"))
        #expect(!PathPattern("migrations").matches("migrations2/001.sql"))
        #expect(PathPattern("tests/*.txt").matches("tests/a.txt"))
        #expect(!PathPattern("tests/*.txt").matches("tests/sub/a.txt"))
        #expect(PathPattern("**/*.db").matches("a/b/c.db") && PathPattern("**/*.db").matches("c.db"))
        #expect(
            PathPattern("tests/?.txt").matches("tests/a.txt") && !PathPattern("tests/?.txt").matches("tests/ab.txt"))
        #expect(
            PathPattern("/etc/app/**").matches("/etc/app/x.toml") && !PathPattern("/etc/app/**").matches("etc/app/x"))
        #expect(PathPattern("logs/").matches("logs/today"))
        #expect(PathPattern("a/*/c/**").literalPrefix == "a")
        #expect(PathPattern("/etc/app/*.toml").literalPrefix == "etc/app")
        #expect(PathNormalizer.normalize("/ws/./a//b/../c/") == "/ws/a/c")
        #expect(PathNormalizer.normalize("/../a") == "/a")
        #expect(PathNormalizer.normalize("a/../..") == "..")
    }

    @Test func filterKeepsTheWorkspaceOnly() {
        let filter = InputFilter(
            workspaceRoot: URL(fileURLWithPath: "/ws"),
            targetDirectory: URL(fileURLWithPath: "/ws/target"),
            ignore: ["logs/**", "*.tmp", "/ws/cache"], environment: ["HOME": "/ws/home"])
        #expect(filter.relativePath(forAbsolute: "/ws/tests/data/x.txt") == "tests/data/x.txt")
        #expect(filter.relativePath(forAbsolute: "/ws/src/../tests/./x.txt") == "tests/x.txt")
        #expect(filter.relativePath(forAbsolute: "/ws") == ".")
        #expect(filter.relativePath(forAbsolute: "/ws/target/debug/fx") == nil)
        #expect(filter.relativePath(forAbsolute: "/ws/logs/today") == nil)
        #expect(filter.relativePath(forAbsolute: "/ws/a.tmp") == nil)
        #expect(filter.relativePath(forAbsolute: "/ws/cache/x") == nil)
        #expect(filter.relativePath(forAbsolute: "/ws/home/.cargo/registry/x") == nil)
        #expect(filter.relativePath(forAbsolute: "/wsx/a") == nil)
        #expect(filter.relativePath(forAbsolute: "/etc/passwd") == nil)
        #expect(filter.relativePath(forAbsolute: "/proc/self/maps") == nil)
        #expect(filter.tracks(variable: "MY_FLAG") && filter.tracks(variable: "RUST_TEST_THREADS"))
        #expect(!filter.tracks(variable: "TRIM_COVERAGE_FILE") && !filter.tracks(variable: "LD_PRELOAD"))
        #expect(!filter.tracks(variable: "TERM"))
        let custom = InputFilter(
            workspaceRoot: URL(fileURLWithPath: "/ws"), targetDirectory: nil,
            ignoreVariables: ["CI_*"])
        #expect(custom.tracks(variable: "TERM") && !custom.tracks(variable: "CI_JOB_ID"))
        #expect(!custom.tracks(variable: "TRIM_ATTEMPT"))
        // A workspace under an ignored system directory is not hidden by it.
        let underLib = InputFilter(workspaceRoot: URL(fileURLWithPath: "/usr/lib/ws"), targetDirectory: nil)
        #expect(underLib.relativePath(forAbsolute: "/usr/lib/ws/a") == "a")
    }

    @Test func preloadEnvironmentAppends() {
        let library = URL(fileURLWithPath: "/c/libtrimio.so")
        #expect(
            InputTracer.environment(library: library, traceFile: "/s/t.%p.io")
                == ["LD_PRELOAD": "/c/libtrimio.so", "TRIM_INPUTS_FILE": "/s/t.%p.io"])
        #expect(
            InputTracer.environment(library: library, traceFile: "t", base: ["LD_PRELOAD": "/x/asan.so"])["LD_PRELOAD"]
                == "/x/asan.so:/c/libtrimio.so")
        #expect(
            InputTracer.environment(library: library, traceFile: "t", base: ["LD_PRELOAD": "/c/libtrimio.so"])[
                "LD_PRELOAD"]
                == "/c/libtrimio.so")
    }

    @Test func libraryIsBuiltOncePerSource() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("trim-io-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let first = try InputTracer.library(cacheDirectory: cache)
        let modified = try FileManager.default.attributesOfItem(atPath: first.path)[.modificationDate] as? Date
        let second = try InputTracer.library(cacheDirectory: cache)
        #expect(first == second)
        #expect(try FileManager.default.attributesOfItem(atPath: second.path)[.modificationDate] as? Date == modified)
        #expect(first.path.contains("/inputs/\(InputTracer.sourceHash)/libtrimio.so"))
        #expect(
            FileManager.default.fileExists(
                atPath: first.deletingLastPathComponent().appendingPathComponent("trimio.c").path))

        let unwritable = URL(fileURLWithPath: "/proc/trim-cannot-write")
        #expect(throws: InputTracingError.self) { try InputTracer.library(cacheDirectory: unwritable) }
    }

    /// Collecting from events: paths filtered and hashed, variables hashed from the given environment.
    @Test func collectorHashesWhatWasRead() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-collect-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("migrations"), withIntermediateDirectories: true)
        try "one".write(to: root.appendingPathComponent("migrations/001.sql"), atomically: true, encoding: .utf8)
        try "x".write(to: root.appendingPathComponent("x.txt"), atomically: true, encoding: .utf8)
        let filter = InputFilter(workspaceRoot: root, targetDirectory: root.appendingPathComponent("target"))
        var events = TraceEvents()
        events.files = [
            root.path + "/x.txt", root.path + "/gone.txt", root.path + "/target/fx", "/etc/hosts",
            root.path + "/migrations",
        ]
        events.listings = [root.path + "/migrations"]
        events.variables = ["MY_FLAG", "NOT_SET", "TRIM_ATTEMPT", "TERM"]
        events.endpoints = ["127.0.0.1:5432", "10.1.1.1:443"]
        let inputs = InputCollector.inputs(
            from: events, method: "preload", filter: filter,
            environment: ["MY_FLAG": "1", "TRIM_ATTEMPT": "1", "TERM": "xterm"],
            watchPatterns: { endpoints in endpoints.contains("127.0.0.1:5432") ? ["migrations/**"] : [] })
        #expect(
            inputs.files == [
                "x.txt": ContentHash.of(Data("x".utf8)), "gone.txt": TestInputs.missing,
                "migrations": TestInputs.directory, "migrations/": InputHash.listing(atPath: root.path + "/migrations"),
            ])
        #expect(inputs.env == ["MY_FLAG": InputHash.value("1"), "NOT_SET": TestInputs.unset])
        #expect(inputs.network == ["10.1.1.1:443", "127.0.0.1:5432"])
        #expect(inputs.watchPatterns == ["migrations/**"])
        #expect(inputs.watched == ["migrations/001.sql": ContentHash.of(Data("one".utf8))])

        let state = InputState.live(filter: filter, environment: ["MY_FLAG": "2"])
        #expect(state.fileHash("x.txt") == inputs.files["x.txt"])
        #expect(state.fileHash("migrations/") == inputs.files["migrations/"])
        #expect(state.variableHash("MY_FLAG") == InputHash.value("2"))
        #expect(state.variableHash("TRIM_ATTEMPT") == nil)
        #expect(state.filesMatching(["migrations/**"]) == inputs.watched)
        try "two".write(to: root.appendingPathComponent("migrations/002.sql"), atomically: true, encoding: .utf8)
        #expect(InputState.live(filter: filter, environment: [:]).filesMatching(["migrations/**"]).count == 2)
        #expect(
            InputState.live(filter: filter, environment: [:]).fileHash("migrations/") != inputs.files["migrations/"])
    }
}
