import Foundation
import Testing
import ProcessSpawn

/// Real bitcode, compiled at test time by the installed rustc and clang-22.
enum Fixtures {
    struct CompileError: Error, CustomStringConvertible {
        var description: String
    }

    /// A small but realistic Rust library: an enum with a match, a loop, a
    /// panic with a formatted message, string constants, an iterator chain.
    /// `multiplier` changes the body of `checksum` only (one block).
    static func rustLibrary(multiplier: Int = 31) -> String {
        """
        //! A small ledger, used as a bitcode fixture by blockdiff's CLI tests.
        pub const GREETING: &str = "hello from the ledger";
        pub const ERROR_PREFIX: &str = "ledger error: ";

        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Kind {
            Deposit,
            Withdrawal,
            Fee(u32),
        }

        pub struct Entry {
            pub kind: Kind,
            pub amount: i64,
        }

        pub fn apply(balance: i64, entry: &Entry) -> i64 {
            match entry.kind {
                Kind::Deposit => balance + entry.amount,
                Kind::Withdrawal => {
                    if entry.amount > balance {
                        panic!("{}overdrawn by {}", ERROR_PREFIX, entry.amount - balance);
                    }
                    balance - entry.amount
                }
                Kind::Fee(percent) => balance - balance * percent as i64 / 100,
            }
        }

        pub fn total(entries: &[Entry]) -> i64 {
            let mut balance = 0;
            for entry in entries {
                balance = apply(balance, entry);
            }
            balance
        }

        pub fn describe(kind: Kind) -> &'static str {
            match kind {
                Kind::Deposit => "deposit",
                Kind::Withdrawal => "withdrawal",
                Kind::Fee(_) => "fee",
            }
        }

        pub fn checksum(text: &str) -> u32 {
            let mut sum: u32 = 17;
            for byte in text.bytes() {
                sum = sum.wrapping_mul(\(multiplier)).wrapping_add(byte as u32);
            }
            sum
        }

        pub fn greeting_length() -> usize {
            GREETING.len() + ERROR_PREFIX.len()
        }

        pub fn largest(entries: &[Entry]) -> Option<i64> {
            entries.iter().map(|e| e.amount).max()
        }

        """
    }

    /// A small C file; `threshold` changes the body of `classify` only.
    static func cSource(threshold: Int = 100) -> String {
        """
        #include <stdio.h>
        #include <string.h>

        static const char *names[] = {"small", "large", "huge"};

        int classify(int value) {
            if (value < \(threshold)) return 0;
            if (value < 10000) return 1;
            return 2;
        }

        int sum_lengths(const char **words, int count) {
            int total = 0;
            for (int i = 0; i < count; i++) total += (int)strlen(words[i]);
            return total;
        }

        void report(int value) {
            switch (classify(value)) {
            case 0: printf("%d is %s\\n", value, names[0]); break;
            case 1: printf("%d is %s\\n", value, names[1]); break;
            default: printf("%d is %s\\n", value, names[2]); break;
            }
        }

        """
    }

    /// `rustc --edition 2021 --crate-type lib --emit=llvm-bc -g -o OUT src/lib.rs`,
    /// run in a directory of its own under `directory`. The directory is remapped
    /// to `/fixture` in the debug info, so the same source gives the same bytes
    /// wherever it is compiled (the damaged variants are then reproducible).
    static func compileRust(_ source: String, named name: String, in directory: URL) throws -> URL {
        let work = directory.appendingPathComponent("\(name)-src")
        try FileManager.default.createDirectory(
            at: work.appendingPathComponent("src"), withIntermediateDirectories: true)
        try Data(source.utf8).write(to: work.appendingPathComponent("src/lib.rs"))
        let output = directory.appendingPathComponent("\(name).bc")
        try runTool(["rustc", "--edition", "2021", "--crate-type", "lib", "--emit=llvm-bc", "-g",
                     "--remap-path-prefix=\(work.path)=/fixture", "-o", output.path, "src/lib.rs"], in: work)
        return output
    }

    /// `clang-22 -emit-llvm -c -g` (or, with `bitcode: false`, a plain object file),
    /// with the directory remapped to `/fixture` like `compileRust`.
    static func compileC(_ source: String, named name: String, in directory: URL,
                         bitcode: Bool = true) throws -> URL {
        let file = directory.appendingPathComponent("\(name).c")
        try Data(source.utf8).write(to: file)
        let output = directory.appendingPathComponent(bitcode ? "\(name).bc" : "\(name).o")
        try runTool(["clang-22"] + (bitcode ? ["-emit-llvm"] : [])
                        + ["-c", "-g", "-ffile-prefix-map=\(directory.path)=/fixture", "-o", output.path, "\(name).c"],
                    in: directory)
        return output
    }

    /// The Rust library compiled once per test process, shared read-only by tests
    /// (copy it before damaging it). Its directory is removed when the process exits.
    static let sharedRustBitcode: Result<URL, CompileError> = {
        do {
            let directory = try TemporaryDirectory(prefix: "blockdiff-fixtures")
            sharedDirectory.set(directory.url)
            atexit { Fixtures.sharedDirectory.remove() }
            return .success(try compileRust(rustLibrary(), named: "ledger", in: directory.url))
        } catch {
            return .failure(CompileError(description: "\(error)"))
        }
    }()

    /// Where `sharedRustBitcode` lives, for the exit handler.
    private static let sharedDirectory = SharedDirectory()

    private final class SharedDirectory: @unchecked Sendable {
        private let lock = NSLock()
        private var url: URL?
        func set(_ url: URL) { lock.withLock { self.url = url } }
        func remove() { lock.withLock { url.map { try? FileManager.default.removeItem(at: $0) } } }
    }

    private static func runTool(_ arguments: [String], in directory: URL) throws {
        let finished = try ChildProcess.run("/usr/bin/env", arguments, directory: directory.path, stderr: .toStdout)
        guard finished.exit == .exited(0) else {
            throw CompileError(description: "`\(arguments.joined(separator: " "))` failed "
                + "(status \(finished.status)): \(String(decoding: finished.stdout, as: UTF8.self))")
        }
    }
}
