/// `--partition`: run one shard of the tests, so N machines share a run.
///
/// Applied after every other filter, to the tests those admitted
/// (nextest's order). Shards count from 1: `count:1/3` is the first of three.
///
/// - `count:K/N`: round-robin within each binary, as nextest's counted
///   partitioning ("done per test binary"): a binary's admitted tests, sorted
///   by name (byte order, as libtest lists them), go to shards 1, 2, …, N,
///   1, 2, … Balanced per binary; adding a test can move others.
/// - `hash:K/N`: a test is in shard `xxh64(binary + " " + name) % N + 1`
///   (XXH64, seed 0, over the UTF-8 of `FilterableTest.fullName`). It depends
///   on the test alone, so adding or removing tests never moves another
///   test. (nextest hashes the test name only, so equal names in different
///   binaries share a shard there; trim includes the binary id to spread them.)
/// - `slice:K/N`: round-robin over all admitted tests sorted by (binary,
///   name), across binaries, as nextest's `slice:` (0.9.127).
public enum Partition: Hashable, Sendable, CustomStringConvertible {
    case count(shard: Int, of: Int)
    case hash(shard: Int, of: Int)
    case slice(shard: Int, of: Int)

    /// `count:K/N`, `hash:K/N` or `slice:K/N` with 1 ≤ K ≤ N.
    public init(parsing text: String) throws(FilterError) {
        let characters = Array(text)
        guard let colon = characters.firstIndex(of: ":") else {
            throw FilterError(.invalidPartitionFormat, input: text, column: 1)
        }
        let make: (Int, Int) -> Partition
        switch String(characters[..<colon]) {
        case "count": make = { .count(shard: $0, of: $1) }
        case "hash": make = { .hash(shard: $0, of: $1) }
        case "slice": make = { .slice(shard: $0, of: $1) }
        default: throw FilterError(.invalidPartitionFormat, input: text, column: 1)
        }
        let shardStart = colon + 1
        guard let slash = characters[shardStart...].firstIndex(of: "/") else {
            throw FilterError(.invalidPartitionFormat, input: text, column: characters.count + 1)
        }
        func number(_ range: Range<Int>) throws(FilterError) -> Int {
            let digits = String(characters[range])
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else {
                throw FilterError(.invalidPartitionNumber(digits), input: text, column: range.lowerBound + 1)
            }
            return value
        }
        let shard = try number(shardStart..<slash)
        let total = try number((slash + 1)..<characters.count)
        guard total >= 1 else { throw FilterError(.noShards, input: text, column: slash + 2) }
        guard (1...total).contains(shard) else {
            throw FilterError(.shardOutOfRange(shard: shard, total: total), input: text, column: shardStart + 1)
        }
        self = make(shard, total)
    }

    /// K, counting from 1.
    public var shard: Int {
        switch self {
        case .count(let shard, _), .hash(let shard, _), .slice(let shard, _): return shard
        }
    }

    /// N.
    public var total: Int {
        switch self {
        case .count(_, let total), .hash(_, let total), .slice(_, let total): return total
        }
    }

    public var description: String {
        switch self {
        case .count: return "count:\(shard)/\(total)"
        case .hash: return "hash:\(shard)/\(total)"
        case .slice: return "slice:\(shard)/\(total)"
        }
    }

    /// Whether this shard takes `test`. `index` is the test's 0-based place
    /// in the order the partition counts in (`count:` among its binary's
    /// admitted tests sorted by name, `slice:` among all sorted by binary
    /// then name); `hash:` ignores it. A partition built by hand with K
    /// outside 1...N selects nothing.
    public func selects(_ test: FilterableTest, index: Int) -> Bool {
        guard total >= 1, (1...total).contains(shard) else { return false }
        return Self.shard(of: test, index: index, for: self) == shard
    }

    /// The shard (1...N) a test falls in under this partition's kind and N.
    static func shard(of test: FilterableTest, index: Int, for partition: Partition) -> Int {
        switch partition {
        case .count, .slice: return index % partition.total + 1
        case .hash: return Int(XXHash64.hash(test.fullName) % UInt64(partition.total)) + 1
        }
    }

    /// The tests `partition` keeps, in the order given; all of them when
    /// there is no partition. `tests` are the ones the other filters admitted.
    public static func apply(_ partition: Partition?, to tests: [FilterableTest]) -> [FilterableTest] {
        guard let partition else { return tests }
        var keep = [Bool](repeating: false, count: tests.count)
        switch partition {
        case .hash:
            for (position, test) in tests.enumerated() { keep[position] = partition.selects(test, index: 0) }
        case .count:
            let byBinary = Dictionary(grouping: tests.indices, by: { tests[$0].binary })
            for positions in byBinary.values {
                let ordered = positions.sorted { precedes(tests[$0].name, tests[$1].name) }
                for (index, position) in ordered.enumerated() {
                    keep[position] = partition.selects(tests[position], index: index)
                }
            }
        case .slice:
            let ordered = tests.indices.sorted {
                tests[$0].binary == tests[$1].binary
                    ? precedes(tests[$0].name, tests[$1].name) : precedes(tests[$0].binary, tests[$1].binary)
            }
            for (index, position) in ordered.enumerated() {
                keep[position] = partition.selects(tests[position], index: index)
            }
        }
        return tests.indices.filter { keep[$0] }.map { tests[$0] }
    }

    /// Byte order of the UTF-8, as Rust compares strings (and libtest sorts).
    static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }
}
