import Foundation
import History
import Testing

/// `simulate-history --fixed-random`: tests whose path depends on HashMap
/// order take the same path on every run, so the replay's second full run
/// finds no nondeterministic test. Without the flag the same fixture does
/// (each of its 8 tests takes one of 4 branches by the map's first key: all
/// 8 agreeing between two runs by chance is 1 in 65,536).
@Suite(.serialized) struct FixedRandomTests {
    static let tests = (0..<8).map { i in
        """
            #[test]
            fn order_\(i)() {
                assert!(first_kind(\(40 + i)) < 4);
            }

        """
    }.joined()

    static let lib = """
        use std::collections::HashMap;

        /// Which of four kinds the first key the map yields is: a branch per kind.
        pub fn first_kind(n: u32) -> u32 {
            let map: HashMap<u32, u32> = (0..n).map(|k| (k, k)).collect();
            let first = *map.keys().next().unwrap();
            match first % 4 {
                0 => first.count_ones() * 0,
                1 => format!("{first}").len() as u32 * 0 + 1,
                2 => (first as u64).pow(2) as u32 * 0 + 2,
                _ => first.leading_zeros() * 0 + 3,
            }
        }

        pub fn unrelated() -> u32 {
            1
        }

        #[cfg(test)]
        mod tests {
            use super::*;

        \(tests)}

        """

    func replay(fixedRandom: Bool) throws -> [CommitRecord] {
        try FixedRandomReplay.run(package: "orders", lib: Self.lib, fixedRandom: fixedRandom) { _ in }
    }

    @Test func withFixedRandomEveryPathRepeats() throws {
        let rows = try replay(fixedRandom: true)
        #expect(rows.map(\.status) == [.baseline, .compared])
        #expect(rows[1].testsTotal == 8)
        #expect(rows[1].nondeterministic == 0, "\(rows[1])")
        #expect(rows[1].unexplainedTests.isEmpty, "\(rows[1])")
        #expect(rows[1].affected == 0, "\(rows[1])")
    }

    @Test func withoutItTheFixtureIsNondeterministic() throws {
        let rows = try replay(fixedRandom: false)
        #expect(rows.map(\.status) == [.baseline, .compared])
        #expect(rows[1].nondeterministic > 0, "\(rows[1])")
    }

    @Test func theLibraryGivesTheSameBytesEveryRun() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trim-random-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = try FixedRandomness.library(cacheDirectory: directory)
        #expect(try FixedRandomness.library(cacheDirectory: directory) == library, "built once, then reused")
        let environment = FixedRandomness.environment(library: library, base: ["LD_PRELOAD": "/x/libother.so"])
        #expect(environment == ["LD_PRELOAD": "/x/libother.so:\(library.path)"])
        // A Rust program printing a hash under a fresh RandomState: the seed std takes from getrandom.
        let program = directory.appendingPathComponent("seed.rs")
        try """
            use std::hash::BuildHasher;
            fn main() { println!("{}", std::collections::hash_map::RandomState::new().hash_one(42u32)); }
            """.write(to: program, atomically: true, encoding: .utf8)
        let repo = Repository(root: directory, scratch: directory)
        let seed = directory.appendingPathComponent("seed").path
        let compiled = try repo.run("/usr/bin/env", ["rustc", "-o", seed, program.path])
        try #require(compiled.status == 0, "\(compiled.stderr)")
        func hash(preload: Bool) throws -> String {
            try repo.run("/usr/bin/env", (preload ? ["LD_PRELOAD=\(library.path)"] : ["-u", "LD_PRELOAD"]) + [seed]).stdout
        }
        let unseeded = try hash(preload: false), again = try hash(preload: false)
        #expect(unseeded != again, "std's seed is random without the library (equal by chance: 1 in 2^64)")
        let first = try hash(preload: true), second = try hash(preload: true)
        #expect(!first.isEmpty && first == second, "\(first) vs \(second)")
    }
}

/// `--fixed-random` reaches what quickcheck and proptest seed from: libc's
/// `syscall(SYS_getrandom, …)` (the getrandom crate's call) and reads of
/// /dev/urandom. The fixture declares `syscall` itself (no crates.io); each
/// test takes one of four branches by its seed. With the flag the floor is
/// exact: nothing nondeterministic or unexplained, and a branch given another
/// path affects exactly the tests block grain selects. Without it the same
/// fixture is nondeterministic (all 8 tests agreeing between two runs by
/// chance: 1 in 65,536).
@Suite(.serialized) struct FixedSeedTests {
    static let tests = (0..<8).map { i in
        """
            #[test]
            fn property_\(i)() {
                let seed = if \(i) % 2 == 0 { syscall_seed() } else { urandom_seed() };
                assert!(kind(seed ^ \(i)) < 4);
            }

        """
    }.joined()

    static let lib = """
        use std::io::Read;
        use std::os::raw::c_long;

        extern "C" {
            fn syscall(number: c_long, ...) -> c_long;
        }

        #[cfg(target_arch = "x86_64")]
        const SYS_GETRANDOM: c_long = 318;
        #[cfg(target_arch = "aarch64")]
        const SYS_GETRANDOM: c_long = 278;

        /// A quickcheck-style seed, read as the getrandom crate reads it.
        pub fn syscall_seed() -> u64 {
            let mut bytes = [0u8; 8];
            let read = unsafe { syscall(SYS_GETRANDOM, bytes.as_mut_ptr(), bytes.len(), 0u32) };
            assert_eq!(read, 8);
            u64::from_le_bytes(bytes)
        }

        /// A seed read from /dev/urandom, the fallback of older generators.
        pub fn urandom_seed() -> u64 {
            let mut bytes = [0u8; 8];
            std::fs::File::open("/dev/urandom").unwrap().read_exact(&mut bytes).unwrap();
            u64::from_le_bytes(bytes)
        }

        /// A seed-dependent path: a branch per kind.
        pub fn kind(seed: u64) -> u32 {
            match seed % 4 {
                0 => seed.count_ones() * 0,
                1 => format!("{seed}").len() as u32 * 0 + 1,
                2 => (seed as u32).wrapping_mul(std::hint::black_box(3)) % 1 + 2,
                _ => seed.leading_zeros() * 0 + 3,
            }
        }

        pub fn unrelated() -> u32 {
            1
        }

        #[cfg(test)]
        mod tests {
            use super::*;

        \(tests)}

        """

    func replay(fixedRandom: Bool) throws -> [CommitRecord] {
        try FixedRandomReplay.run(package: "seeds", lib: Self.lib, fixedRandom: fixedRandom) { repo in
            try repo.replace("src/lib.rs", "(seed as u32).wrapping_mul(std::hint::black_box(3)) % 1 + 2",
                             "format!(\"{seed:x}\").len() as u32 % 1 + 2")
            try repo.commit("kind 2: another path")
        }
    }

    @Test func withFixedRandomTheFloorIsExact() throws {
        let rows = try replay(fixedRandom: true)
        #expect(rows.map(\.status) == [.baseline, .compared, .compared])
        for row in rows.dropFirst() {
            #expect(row.testsTotal == 8, "\(row)")
            #expect(row.nondeterministic == 0, "\(row)")
            #expect(row.unexplainedTests.isEmpty, "\(row)")
            #expect(row.affected == row.selected[.block], "\(row)")
        }
        #expect(rows[1].affected == 0, "\(rows[1])")
        // With the fixed seeds, 2 of the 8 tests take branch 2, whose path changed.
        #expect(rows[2].affected == 2, "\(rows[2])")
    }

    @Test func withoutItTheSeedsDiffer() throws {
        let rows = try replay(fixedRandom: false)
        #expect(rows.map(\.status) == [.baseline, .compared, .compared])
        #expect(rows[1].nondeterministic > 0, "\(rows[1])")
    }
}

/// A replay of a one-crate repository: `lib` committed, an unrelated edit, then
/// whatever `more` commits; the commits' CSV rows.
enum FixedRandomReplay {
    static func run(package: String, lib: String, fixedRandom: Bool, more: (Repository) throws -> Void) throws
        -> [CommitRecord]
    {
        let repo = try Repository.make()
        defer { repo.delete() }
        try repo.write("Cargo.toml", "[package]\nname = \"\(package)\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        try repo.write("src/lib.rs", lib)
        try repo.write(".gitignore", "/target\n")
        try repo.commit("initial")
        try repo.replace("src/lib.rs", "    1\n", "    2\n")
        try repo.commit("unrelated: 2")
        try more(repo)
        let commits = try repo.git(["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let csv = repo.scratch.appendingPathComponent("history.csv")
        let outcome = try repo.trim(["simulate-history", "--commits", commits, "--repo", repo.root.path,
                                     "--csv", csv.path, "--scratch", repo.scratch.appendingPathComponent("replay").path]
                                    + (fixedRandom ? ["--fixed-random"] : []))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        return HistoryCSV.parseCommits(try String(contentsOf: csv, encoding: .utf8))
    }
}
