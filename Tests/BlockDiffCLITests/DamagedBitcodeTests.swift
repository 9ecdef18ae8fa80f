import Foundation
import Testing

/// splitmix64: small, fast, and the same sequence on every platform and Swift
/// version (the standard library's `random(in:using:)` promises neither).
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range` (modulo bias is irrelevant at these sizes).
    mutating func int(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty)
        return range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func int(in range: ClosedRange<Int>) -> Int { int(in: range.lowerBound..<range.upperBound + 1) }

    /// A byte that is never 0, for XOR damage that always changes something.
    mutating func nonZeroByte() -> UInt8 { UInt8(int(in: 1...255)) }
}

/// One damaged copy of a real bitcode file: variant `index` is always the same
/// bytes for the same original, so a failure is reproduced from its index.
struct DamagedVariant {
    enum Kind: String, CaseIterable {
        case truncatedOnWord = "truncate-word"
        case truncatedAnywhere = "truncate-any"
        case bitFlip = "bit-flip"
        case byteFlips = "byte-flips"
        case zeroedRange = "zero-range"
        case scrambledRange = "scramble-range"
        case combined = "combined"
        case magicDamaged = "magic"
    }

    let index: Int
    let kind: Kind
    /// What was done, e.g. "flip 0x20@1234; zero 500..<620", for failure messages.
    let recipe: String
    let bytes: [UInt8]

    static let seed: UInt64 = 0x7472_696D_2D62_6364  // "trim-bcd"

    init(index: Int, original: [UInt8]) {
        precondition(original.count > 64)
        var rng = SplitMix64(seed: Self.seed &+ UInt64(index) &* 0x2545_F491_4F6C_DD1D)
        var bytes = original
        var steps: [String] = []

        // Every mutation below starts at byte 4, so the magic stays intact and
        // LLVM's reader really reads the file, except for `magicDamaged`.
        func truncate(onWord: Bool) {
            var length = rng.int(in: 4..<bytes.count)
            if onWord { length &= ~3 }
            length = max(4, length)
            bytes.removeSubrange(length...)
            steps.append("truncate to \(length)")
        }
        func flipBit() {
            let at = rng.int(in: 4..<bytes.count), bit = UInt8(1) << UInt8(rng.int(in: 0..<8))
            bytes[at] ^= bit
            steps.append("flip bit 0x\(String(bit, radix: 16))@\(at)")
        }
        func flipBytes() {
            let count = rng.int(in: 2...16)
            var flips: [String] = []
            for _ in 0..<count {
                let at = rng.int(in: 4..<bytes.count), mask = rng.nonZeroByte()
                bytes[at] ^= mask
                flips.append("\(at)")
            }
            steps.append("xor bytes at \(flips.joined(separator: ","))")
        }
        func zeroRange() {
            let start = rng.int(in: 4..<bytes.count)
            let end = min(bytes.count, start + rng.int(in: 1...512))
            for i in start..<end { bytes[i] = 0 }
            steps.append("zero \(start)..<\(end)")
        }
        func scrambleRange() {
            let start = rng.int(in: 4..<bytes.count)
            let end = min(bytes.count, start + rng.int(in: 1...64))
            for i in start..<end { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
            steps.append("scramble \(start)..<\(end)")
        }

        // Weights out of 100.
        let roll = rng.int(in: 0..<100)
        let kind: Kind
        switch roll {
        case 0..<20: kind = .truncatedOnWord
        case 20..<28: kind = .truncatedAnywhere
        case 28..<43: kind = .bitFlip
        case 43..<58: kind = .byteFlips
        case 58..<73: kind = .zeroedRange
        case 73..<80: kind = .scrambledRange
        case 80..<97: kind = .combined
        default: kind = .magicDamaged
        }
        switch kind {
        case .truncatedOnWord: truncate(onWord: true)
        case .truncatedAnywhere: truncate(onWord: false)
        case .bitFlip: flipBit()
        case .byteFlips: flipBytes()
        case .zeroedRange: zeroRange()
        case .scrambledRange: scrambleRange()
        case .combined:
            for _ in 0..<rng.int(in: 2...3) {
                switch rng.int(in: 0..<4) {
                case 0: flipBit()
                case 1: flipBytes()
                case 2: zeroRange()
                default: scrambleRange()
                }
            }
            if rng.int(in: 0..<2) == 0 { truncate(onWord: true) }
        case .magicDamaged:
            let at = rng.int(in: 0..<4)
            bytes[at] ^= rng.nonZeroByte()
            steps.append("xor magic byte \(at)")
            if rng.int(in: 0..<2) == 0 { flipBytes() }
        }
        // Zeroing bytes that were already zero can leave the file intact: damage it for sure.
        if bytes == original { flipBit() }
        self.index = index
        self.kind = kind
        self.recipe = steps.joined(separator: "; ")
        self.bytes = bytes
    }

    var fileName: String {
        let digits = String(index)
        return "v" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "-\(kind.rawValue).bc"
    }
}

/// LLVM's bitcode reader segfaults or aborts on a good share of damaged files;
/// blockdiff parses in a worker process, so every damaged file must still end
/// in exit 0, 1 or 2 with a message naming it, never in a signal.
@Suite("blockdiff survives damaged bitcode")
struct DamagedBitcodeTests {
    static let variantCount = 1_100
    static let concurrentRuns = 2
    /// A run takes 0.1–0.8 s; one that takes this long is stuck.
    static let runTimeLimit: TimeInterval = 15

    /// How a run ended, for the tally.
    enum Outcome: String, CaseIterable {
        case same = "exit 0 (no change)"
        case changed = "exit 1 (changes)"
        case readerCrashed = "exit 2: reader crashed"
        case readerTimedOut = "exit 2: reader timed out"
        case truncated = "exit 2: truncated"
        case corrupt = "exit 2: corrupt"
        case notBitcode = "exit 2: not bitcode"
        case tooNew = "exit 2: newer LLVM"
        case otherError = "exit 2: other"
        case hung = "HUNG (killed after the time limit)"
        case bad = "FAILED (signal or other status)"

        init(_ run: BlockDiffRun) {
            if run.timedOut { self = .hung; return }
            guard !run.signaled else { self = .bad; return }
            switch run.status {
            case 0: self = .same
            case 1: self = .changed
            case 2:
                let e = run.stderr
                if e.contains("bitcode reader crashed") { self = .readerCrashed }
                else if e.contains("did not finish within") { self = .readerTimedOut }
                else if e.contains("truncated bitcode") { self = .truncated }
                else if e.contains("corrupt bitcode") { self = .corrupt }
                else if e.contains("not an LLVM bitcode file") { self = .notBitcode }
                else if e.contains("produced by a newer LLVM") { self = .tooNew }
                else { self = .otherError }
            default: self = .bad
            }
        }
    }

    /// Checks one run; returns a description of what is wrong, or nil.
    static func problem(with run: BlockDiffRun, variant: URL) -> String? {
        if run.timedOut { return nil }  // tallied as `.hung`, and expected to be none
        if run.signaled { return "ended by signal \(run.status)" }
        switch run.status {
        case 0, 1:
            // A diff was printed: it ends with the summary line.
            if !run.stdout.contains(" removed; ") { return "exit \(run.status) without a summary line" }
            // --verbose: the original comes from the shared cache, only the variant is parsed.
            if !run.stderr.contains("1 from cache, 1 parsed") { return "the original was not taken from the cache" }
            return nil
        case 2:
            if !run.stderr.hasPrefix("blockdiff: error:") { return "stderr does not start with 'blockdiff: error:'" }
            if !run.stderr.contains(variant.path) { return "stderr does not name the variant" }
            return nil
        default:
            return "exit status \(run.status) is not 0, 1 or 2"
        }
    }

    /// N from "LLVM's bitcode reader crashed on this file (signal N)".
    static func crashSignal(in run: BlockDiffRun) -> Int32? {
        guard run.stderr.contains("bitcode reader crashed"), let range = run.stderr.range(of: "(signal ") else {
            return nil
        }
        return Int32(run.stderr[range.upperBound...].prefix(while: \.isNumber))
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGSEGV: "SIGSEGV"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGILL: "SIGILL"
        case SIGFPE: "SIGFPE"
        case SIGTRAP: "SIGTRAP"
        case SIGKILL: "SIGKILL"
        default: "?"
        }
    }

    @Test("at least 1,000 damaged variants of a real rustc .bc: every run exits 0, 1 or 2, never by a signal",
          .timeLimit(.minutes(10)))
    func damagedVariants() async throws {
        let original = try Fixtures.sharedRustBitcode.get()
        let originalBytes = [UInt8](try Data(contentsOf: original))
        let scratch = try TemporaryDirectory(prefix: "blockdiff-damaged")
        let cache = scratch.file("cache")
        let variantsDirectory = scratch.file("variants")
        try FileManager.default.createDirectory(at: variantsDirectory, withIntermediateDirectories: true)

        let variants = (0..<Self.variantCount).map { DamagedVariant(index: $0, original: originalBytes) }
        #expect(variants.filter { $0.bytes.starts(with: originalBytes.prefix(4)) }.count > Self.variantCount * 9 / 10,
                "most variants must keep the magic so that LLVM's reader is exercised")

        /// Writes the variant, runs `blockdiff ORIGINAL VARIANT`, removes the variant unless the run failed.
        @Sendable func check(_ index: Int) async throws -> (Int, Outcome, String?, Double, Int32?) {
            let variant = variants[index]
            let url = variantsDirectory.appendingPathComponent(variant.fileName)
            try Data(variant.bytes).write(to: url)
            // The worker's own time limit, well inside the run's: a reader that
            // loops on a damaged file becomes exit 2 naming the file.
            let run = try await BlockDiffRunner.run([original.path, url.path, "--verbose"],
                                                    cache: .shared(cache), timeout: Self.runTimeLimit,
                                                    environment: ["TRIM_PARSE_TIMEOUT": "5"])
            let problem = Self.problem(with: run, variant: url).map {
                "variant \(variant.index) (\(variant.recipe)), kept at \(url.path): \($0)\n\(run)"
            }
            if problem == nil { try? FileManager.default.removeItem(at: url) }
            return (index, Outcome(run), problem, run.seconds, Self.crashSignal(in: run))
        }

        let clock = ContinuousClock()
        let start = clock.now
        var outcomes: [Outcome?] = Array(repeating: nil, count: variants.count)
        var problems: [String] = []
        var slowest = 0.0
        var crashSignals: [Int32: Int] = [:]

        // A first run against a real edit parses the original into the shared cache
        // (and shows the fixture diffs sensibly); the damaged runs then parse only their variant.
        let edited = try Fixtures.compileRust(Fixtures.rustLibrary(multiplier: 37), named: "edited", in: scratch.url)
        let warm = try await BlockDiffRunner.run([original.path, edited.path, "--verbose"], cache: .shared(cache))
        try #require(warm.exited(with: 1), "\(warm)")
        #expect(warm.stdout.contains("changed  lib::checksum"), "\(warm)")
        #expect(warm.stderr.contains("0 from cache, 2 parsed"), "\(warm)")

        let pending = Array(variants.indices)
        try await withThrowingTaskGroup(of: (Int, Outcome, String?, Double, Int32?).self) { group in
            var next = pending.makeIterator()
            for _ in 0..<Self.concurrentRuns {
                if let index = next.next() { group.addTask { try await check(index) } }
            }
            while let (index, outcome, problem, seconds, signal) = try await group.next() {
                outcomes[index] = outcome
                if let problem { problems.append(problem) }
                if let signal { crashSignals[signal, default: 0] += 1 }
                if outcome != .hung { slowest = max(slowest, seconds) }
                if let index = next.next() { group.addTask { try await check(index) } }
            }
        }
        let elapsed = clock.now - start
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }

        // The tally, by outcome and by kind of damage.
        var total: [Outcome: Int] = [:]
        var byKind: [DamagedVariant.Kind: [Outcome: Int]] = [:]
        for (variant, outcome) in zip(variants, outcomes) {
            guard let outcome else { continue }
            total[outcome, default: 0] += 1
            byKind[variant.kind, default: [:]][outcome, default: 0] += 1
        }
        var report = ["damaged variants: \(variants.count) of \(originalBytes.count)-byte \(original.lastPathComponent), "
            + "\(Self.concurrentRuns) runs at a time, \(String(format: "%.1f", seconds(elapsed))) s "
            + "(slowest finished run \(String(format: "%.2f", slowest)) s)"]
        for outcome in Outcome.allCases where total[outcome, default: 0] > 0 {
            report.append("  \(outcome.rawValue): \(total[outcome]!)")
        }
        report.append("  reader crashes by signal: " + crashSignals.sorted { $0.key < $1.key }
            .map { "signal \($0.key) (\(Self.signalName($0.key))): \($0.value)" }.joined(separator: ", "))
        report.append("  by damage (exit0/exit1/exit2 of which crashed):")
        for kind in DamagedVariant.Kind.allCases {
            let t = byKind[kind, default: [:]]
            let errors = t.filter { $0.key.rawValue.hasPrefix("exit 2") }.values.reduce(0, +)
            report.append("    \(kind.rawValue): \(t[.same, default: 0])/\(t[.changed, default: 0])/\(errors) "
                + "of which \(t[.readerCrashed, default: 0]) crashed")
        }
        print(report.joined(separator: "\n"))

        #expect(outcomes.allSatisfy { $0 != nil })
        // LLVM's reader loops (for minutes at least; llvm-dis-22 too) on some damaged
        // files: variant 407 (a zeroed range plus byte flips) does. The worker's time
        // limit (TRIM_PARSE_TIMEOUT, 5 s here) turns that into exit 2 naming the file.
        let hung = zip(variants, outcomes).filter { $0.1 == .hung }.map { "\($0.0.index) (\($0.0.recipe))" }
        #expect(hung.isEmpty, "blockdiff did not finish within \(Int(Self.runTimeLimit)) s on variants \(hung.joined(separator: ", "))")
        let firstProblems = problems.prefix(10).joined(separator: "\n\n")
        #expect(problems.isEmpty, "\(problems.count) runs went wrong; the first ones:\n\(firstProblems)")
        // The point of the worker: LLVM really crashed on some variants and blockdiff
        // turned that into exit 2 (about a quarter of damaged variants crash LLVM's reader).
        #expect(total[.readerCrashed, default: 0] > 0, "no variant crashed LLVM's reader: isolation is not exercised")
        #expect(total[.same, default: 0] + total[.changed, default: 0] > 0, "no variant parsed at all")

        if problems.isEmpty { scratch.remove() }
    }
}
