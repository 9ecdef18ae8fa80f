import Foundation
import ProcessSpawn

/// A small cargo crate written into a private directory, with the built
/// `trim` run against it as a user would (its cache private too).
struct Crate {
    let root: URL

    static let manifest = """
        [package]
        name = "lines"
        version = "0.1.0"
        edition = "2021"

        [lib]
        path = "src/lib.rs"

        """

    /// Line numbers matter: the tests below name them.
    static let library = """
        pub fn classify(n: i32) -> &'static str {
            if n < 0 {
                "negative"
            } else if n == 0 {
                "zero"
            } else {
                "positive"
            }
        }

        pub fn double(n: i32) -> i32 {
            n * 2
        }

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn negative() {
                assert_eq!(classify(-4), "negative");
            }

            #[test]
            fn positive() {
                assert_eq!(classify(3), "positive");
            }

            #[test]
            fn doubles() {
                assert_eq!(double(2), 5, "two doubled");
            }
        }

        """

    init(library: String = Crate.library) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("trim-editor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("src"), withIntermediateDirectories: true)
        try Self.manifest.write(to: root.appendingPathComponent("Cargo.toml"), atomically: true, encoding: .utf8)
        try write(library)
    }

    var libraryFile: URL { root.appendingPathComponent("src/lib.rs") }

    func write(_ library: String) throws {
        try library.write(to: libraryFile, atomically: false, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    static var binDirectory: URL {
        URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]).deletingLastPathComponent()
    }

    static var trim: URL { binDirectory.appendingPathComponent("trim") }

    /// trim's runtime cache for these tests: never the user's.
    static let cache = FileManager.default.temporaryDirectory.appendingPathComponent("trim-editor-tests-cache")

    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TRIM_CACHE_DIR"] = cache.path
        environment.removeValue(forKey: "TRIM_DB")
        return environment
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func trim(_ arguments: [String], in directory: URL? = nil) throws -> Outcome {
        let finished = try ChildProcess.run(Self.trim.path, arguments, directory: (directory ?? root).path,
                                            environment: Self.environment)
        return Outcome(status: finished.status, stdout: String(decoding: finished.stdout, as: UTF8.self),
                       stderr: String(decoding: finished.stderr, as: UTF8.self))
    }
}
