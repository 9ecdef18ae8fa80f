import Testing

@testable import TestFilter

@Suite struct PartitionTests {
    // MARK: Parsing

    @Test(arguments: [
        ("count:1/3", Partition.count(shard: 1, of: 3)),
        ("count:3/3", .count(shard: 3, of: 3)),
        ("hash:2/5", .hash(shard: 2, of: 5)),
        ("hash:1/1", .hash(shard: 1, of: 1)),
        ("slice:99/200", .slice(shard: 99, of: 200)),
    ])
    func parses(text: String, partition: Partition) throws {
        #expect(try Partition(parsing: text) == partition)
        #expect(partition.description == text)
    }

    @Test(arguments: [
        ("foo", FilterError.Reason.invalidPartitionFormat, 1),
        ("count", .invalidPartitionFormat, 1),
        ("hashes:1/2", .invalidPartitionFormat, 1),
        ("Count:1/2", .invalidPartitionFormat, 1),
        ("count:1", .invalidPartitionFormat, 8),
        ("hash:", .invalidPartitionFormat, 6),
        ("hash:/2", .invalidPartitionNumber(""), 6),
        ("hash:1/", .invalidPartitionNumber(""), 8),
        ("hash:m/2", .invalidPartitionNumber("m"), 6),
        ("hash:1/n", .invalidPartitionNumber("n"), 8),
        ("hash:-1/2", .invalidPartitionNumber("-1"), 6),
        ("hash:1/2/3", .invalidPartitionNumber("2/3"), 8),
        ("count: 1/2", .invalidPartitionNumber(" 1"), 7),
        ("count:1/99999999999999999999", .invalidPartitionNumber("99999999999999999999"), 9),
        ("count:0/3", .shardOutOfRange(shard: 0, total: 3), 7),
        ("hash:4/3", .shardOutOfRange(shard: 4, total: 3), 6),
        ("count:1/0", .noShards, 9),
        ("slice:0/0", .noShards, 9),
    ])
    func rejects(text: String, reason: FilterError.Reason, column: Int) {
        #expect(throws: FilterError(reason, input: text, column: column)) { _ = try Partition(parsing: text) }
    }

    @Test func errorsReadWell() {
        let error = #expect(throws: FilterError.self) { _ = try Partition(parsing: "count:4/3") }
        #expect(
            error?.description == """
                error: shard 4 is not between 1 and 3 at column 7 in "count:4/3"
                  count:4/3
                        ^
                """)
    }

    // MARK: Shards cover every test once

    @Test(arguments: ["count", "hash", "slice"], 1...5)
    func shardsCoverEveryTestExactlyOnce(kind: String, total: Int) throws {
        let tests = Fixtures.generated(300)
        #expect(Set(tests).count == 300)
        var seen: [FilterableTest: Int] = [:]
        for shard in 1...total {
            let partition = try Partition(parsing: "\(kind):\(shard)/\(total)")
            for test in Partition.apply(partition, to: tests) { seen[test, default: 0] += 1 }
        }
        #expect(seen.count == tests.count)
        #expect(seen.values.allSatisfy { $0 == 1 })
    }

    @Test func noPartitionKeepsEverythingInOrder() {
        let tests = Fixtures.generated(50)
        #expect(Partition.apply(nil, to: tests) == tests)
        #expect(Partition.apply(.hash(shard: 1, of: 1), to: tests) == tests)
        #expect(Partition.apply(.count(shard: 1, of: 1), to: tests) == tests)
    }

    @Test func aShardKeepsTheOrderItWasGiven() {
        let tests = Fixtures.generated(120)
        let shard = Partition.apply(.count(shard: 2, of: 3), to: tests)
        let positions = shard.map { test in tests.firstIndex(of: test)! }
        #expect(positions == positions.sorted())
        #expect(Partition.apply(.count(shard: 2, of: 3), to: tests.reversed()) == shard.reversed())
    }

    // MARK: count: round-robin per binary

    @Test func countIsRoundRobinWithinEachBinaryBySortedName() {
        func test(_ binary: String, _ name: String) -> FilterableTest {
            FilterableTest(binary: binary, package: "p", kind: "test", name: name)
        }
        // Given out of order: the partition sorts by name (bytes) within each binary.
        let tests = [
            test("p::b", "z"), test("p::a", "c"), test("p::a", "a"), test("p::b", "y"), test("p::a", "b"),
            test("p::a", "B"),
        ]
        // p::a sorted: B a b c → shards 1 2 1 2; p::b: y z → 1 2.
        #expect(Partition.apply(.count(shard: 1, of: 2), to: tests).map(\.name) == ["y", "b", "B"])
        #expect(Partition.apply(.count(shard: 2, of: 2), to: tests).map(\.name) == ["z", "c", "a"])
        // Per binary: three one-test binaries all land in shard 1 (slice spreads them).
        let single = [test("x", "t"), test("y", "t"), test("z", "t")]
        #expect(Partition.apply(.count(shard: 1, of: 2), to: single).count == 3)
        #expect(Partition.apply(.slice(shard: 1, of: 2), to: single).map(\.binary) == ["x", "z"])
        #expect(Partition.apply(.slice(shard: 2, of: 2), to: single).map(\.binary) == ["y"])
    }

    @Test(arguments: 1...5)
    func countIsBalancedWithinEachBinary(total: Int) {
        let tests = Fixtures.generated(300)
        let sizes = (1...total).map { shard in
            Dictionary(grouping: Partition.apply(.count(shard: shard, of: total), to: tests), by: \.binary)
                .mapValues(\.count)
        }
        for binary in Set(tests.map(\.binary)) {
            let perShard = sizes.map { $0[binary] ?? 0 }
            #expect(perShard.max()! - perShard.min()! <= 1, "\(binary): \(perShard)")
            #expect(perShard == perShard.sorted(by: >), "earlier shards take the remainder")
        }
    }

    @Test func countAppliesToWhatTheFiltersAdmitted() throws {
        let tests = Fixtures.generated(100)
        let filter = try TestSelectionFilter(parsing: ["test(/_[0-9]*[02468]$/)"])
        let admitted = filter.filter(tests)
        #expect(admitted.count == 50)
        let first = Partition.apply(.count(shard: 1, of: 2), to: admitted)
        let second = Partition.apply(.count(shard: 2, of: 2), to: admitted)
        #expect(first.count + second.count == 50)
        #expect(abs(first.count - second.count) <= Set(admitted.map(\.binary)).count)
    }

    // MARK: hash: stable

    @Test(arguments: 1...5)
    func addingTestsNeverMovesAHashedTest(total: Int) {
        let before = Fixtures.generated(300)
        let added =
            Fixtures.generated(250, binaries: 9, prefix: "new") + [
                FilterableTest(binary: "fresh::it", package: "fresh", kind: "test", name: "brand_new")
            ]
        let after = (added + before).shuffled()
        let beforeSet = Set(before)
        for shard in 1...total {
            let partition = Partition.hash(shard: shard, of: total)
            let then = Set(Partition.apply(partition, to: before))
            let now = Set(Partition.apply(partition, to: after)).intersection(beforeSet)
            #expect(then == now, "hash:\(shard)/\(total)")
        }
    }

    @Test func hashedShardDependsOnTheTestAlone() {
        let test = Fixtures.finalBalance
        let expected = Int(XXHash64.hash("ledger::report reports_the_final_balance") % 5) + 1
        for shard in 1...5 {
            #expect(Partition.hash(shard: shard, of: 5).selects(test, index: 0) == (shard == expected))
            #expect(Partition.hash(shard: shard, of: 5).selects(test, index: 41) == (shard == expected))
        }
        // Same name, other binary: hashed apart, not together.
        let names = (0..<64).map {
            FilterableTest(binary: "pkg::it\($0)", package: "pkg", kind: "test", name: "tests::it_works")
        }
        #expect(Partition.apply(.hash(shard: 1, of: 2), to: names).count > 0)
        #expect(Partition.apply(.hash(shard: 2, of: 2), to: names).count > 0)
    }

    @Test func hashIsRoughlyEven() {
        let tests = Fixtures.generated(3000)
        for shard in 1...4 {
            let size = Partition.apply(.hash(shard: shard, of: 4), to: tests).count
            #expect((600...900).contains(size), "shard \(shard): \(size)")
        }
    }

    @Test func invalidPartitionsBuiltByHandSelectNothing() {
        let tests = Fixtures.generated(20)
        #expect(Partition.apply(.count(shard: 0, of: 3), to: tests).isEmpty)
        #expect(Partition.apply(.hash(shard: 4, of: 3), to: tests).isEmpty)
        #expect(Partition.apply(.slice(shard: 1, of: 0), to: tests).isEmpty)
    }

    // MARK: XXH64 against the reference

    @Test(arguments: [
        ("", 0xEF46_DB37_51D8_E999 as UInt64),
        ("a", 0xD24E_C4F1_A98C_6E5B),
        ("abc", 0x44BC_2CF5_AD77_0999),
        ("Nobody inspects the spammish repetition", 0xFBCE_A83C_8A37_8BF1),
    ])
    func xxHash64MatchesReferenceVectors(input: String, expected: UInt64) {
        #expect(XXHash64.hash(input) == expected)
    }
}
