/// One single-token change to a Rust source file, for the mutation safety
/// check: every test that fails under a mutant must have been selected.
public struct Mutation: Hashable, Sendable, CustomStringConvertible {
    public enum Operator: String, CaseIterable, Codable, Sendable {
        /// `<` ↔ `<=`, `>` ↔ `>=`, `==` ↔ `!=`
        case flipComparison = "flip-comparison"
        /// an integer literal `n` → `n + 1` (suffix kept)
        case changeInteger = "change-integer"
        /// binary `+` ↔ `-`, `+=` ↔ `-=`
        case swapPlusMinus = "swap-plus-minus"
        /// `if COND {` → `if !(COND) {` (also `else if`, `while`)
        case negateCondition = "negate-condition"
    }

    /// Relative to the repository root.
    public var file: String
    /// 1-based.
    public var line: Int
    /// 1-based, in UTF-8 bytes.
    public var column: Int
    public var original: String
    public var replacement: String
    public var kind: Operator
    /// In a `#[cfg(test)]` module or an integration test file.
    public var inTestCode: Bool

    public init(file: String, line: Int, column: Int, original: String, replacement: String, kind: Operator,
                inTestCode: Bool = false) {
        self.file = file
        self.line = line
        self.column = column
        self.original = original
        self.replacement = replacement
        self.kind = kind
        self.inTestCode = inTestCode
    }

    public var description: String { "\(file):\(line):\(column) \(kind.rawValue) `\(original)` → `\(replacement)`" }

    /// `source` with the mutation applied; nil when the text at the site is
    /// not `original` (the file is not the one the mutation was found in).
    public func apply(to source: String) -> String? {
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        guard line >= 1, line <= lines.count else { return nil }
        let bytes = lines[line - 1]
        let start = column - 1
        let old = Array(original.utf8)
        guard start >= 0, start + old.count <= bytes.count, Array(bytes[start..<(start + old.count)]) == old else {
            return nil
        }
        lines[line - 1] = Array(bytes[..<start]) + Array(replacement.utf8) + Array(bytes[(start + old.count)...])
        return lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    }
}

/// Finds mutation sites in Rust source, outside comments, strings, character
/// literals and attributes. Operators are recognised as rustfmt writes them
/// (binary operators between spaces), which keeps `Vec<u8>`, `->`, `=>` and
/// unary minus out.
public enum MutationSites {
    /// Every site on `lines` (1-based; nil: every line) of `source`.
    public static func find(in source: String, file: String, lines wanted: Set<Int>? = nil) -> [Mutation] {
        let bytes = Array(source.utf8)
        let code = CodeMask.of(bytes)
        let fileIsTest = file.hasPrefix("tests/") || file.contains("/tests/") || file.hasPrefix("benches/")
            || file.contains("/benches/")
        var result: [Mutation] = []
        var lineStart = 0
        var number = 1
        var inTestModule = false
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let line = LineView(bytes: bytes, code: code, start: lineStart, end: lineEnd)
            let trimmed = line.trimmedCode
            if trimmed.starts(with: Array("#[cfg(test)]".utf8)) { inTestModule = true }
            let isAttribute = trimmed.starts(with: Array("#[".utf8)) || trimmed.starts(with: Array("#![".utf8))
            if !isAttribute, wanted?.contains(number) ?? true {
                for site in line.sites() {
                    result.append(Mutation(file: file, line: number, column: site.offset + 1, original: site.original,
                                           replacement: site.replacement, kind: site.kind,
                                           inTestCode: fileIsTest || inTestModule))
                }
            }
            lineStart = lineEnd + 1
            number += 1
        }
        return result
    }

    /// Up to `limit` sites in the order to try them: code under test before
    /// test code, operators taken in turn, a fixed shuffle (seeded by
    /// `seed`, e.g. the commit) within each operator.
    public static func choose(_ sites: [Mutation], seed: String, limit: Int) -> [Mutation] {
        var generator = SplitMix64(seed: FNV1a.hash(seed))
        var ordered: [Mutation] = []
        for group in [sites.filter { !$0.inTestCode }, sites.filter(\.inTestCode)] {
            var queues = Mutation.Operator.allCases.map { kind in
                group.filter { $0.kind == kind }.sorted { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }
            }
            for index in queues.indices { queues[index].shuffle(using: &generator) }
            var round = 0
            while queues.contains(where: { round < $0.count }) {
                for queue in queues where round < queue.count { ordered.append(queue[round]) }
                round += 1
            }
        }
        return Array(ordered.prefix(limit))
    }
}

/// Which bytes of a Rust file are code (not comment, string or character literal).
enum CodeMask {
    static func of(_ b: [UInt8]) -> [Bool] {
        var code = Array(repeating: true, count: b.count)
        var i = 0
        func mark(_ from: Int, _ to: Int) { for k in from..<min(to, b.count) { code[k] = false } }
        func at(_ k: Int) -> UInt8 { k >= 0 && k < b.count ? b[k] : 0 }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "/") && at(i + 1) == UInt8(ascii: "/") {
                var j = i
                while j < b.count && b[j] != UInt8(ascii: "\n") { j += 1 }
                mark(i, j)
                i = j
            } else if c == UInt8(ascii: "/") && at(i + 1) == UInt8(ascii: "*") {
                var depth = 1
                var j = i + 2
                while j < b.count && depth > 0 {
                    if b[j] == UInt8(ascii: "/") && at(j + 1) == UInt8(ascii: "*") {
                        depth += 1
                        j += 2
                    } else if b[j] == UInt8(ascii: "*") && at(j + 1) == UInt8(ascii: "/") {
                        depth -= 1
                        j += 2
                    } else {
                        j += 1
                    }
                }
                mark(i, j)
                i = j
            } else if c == UInt8(ascii: "r") && !isIdentifier(at(i - 1), orPrefixOf: b, at: i),
                let end = rawStringEnd(b, from: i + 1)
            {
                mark(i, end)
                i = end
            } else if c == UInt8(ascii: "\"") {
                var j = i + 1
                while j < b.count && b[j] != UInt8(ascii: "\"") { j += b[j] == UInt8(ascii: "\\") ? 2 : 1 }
                mark(i, j + 1)
                i = j + 1
            } else if c == UInt8(ascii: "'") {
                if at(i + 1) == UInt8(ascii: "\\") {
                    var j = i + 2
                    while j < b.count && b[j] != UInt8(ascii: "'") && b[j] != UInt8(ascii: "\n") { j += 1 }
                    mark(i, j + 1)
                    i = j + 1
                } else {
                    let width = utf8Width(at(i + 1))
                    if at(i + 1 + width) == UInt8(ascii: "'") {
                        mark(i, i + 2 + width)
                        i += 2 + width
                    } else {
                        i += 1  // a lifetime or a label
                    }
                }
            } else {
                i += 1
            }
        }
        return code
    }

    /// `r` at `index` starts a raw string when not inside an identifier (`br` counts as a prefix).
    private static func isIdentifier(_ previous: UInt8, orPrefixOf b: [UInt8], at index: Int) -> Bool {
        if previous == UInt8(ascii: "b") && (index < 2 || !isIdentifierByte(b[index - 2])) { return false }
        return index > 0 && isIdentifierByte(previous)
    }

    /// `r#*"..."#*`: the index after the closing quote and hashes.
    private static func rawStringEnd(_ b: [UInt8], from start: Int) -> Int? {
        var j = start
        var hashes = 0
        while j < b.count && b[j] == UInt8(ascii: "#") {
            hashes += 1
            j += 1
        }
        guard j < b.count, b[j] == UInt8(ascii: "\"") else { return nil }
        j += 1
        while j < b.count {
            if b[j] == UInt8(ascii: "\"") {
                var k = j + 1
                var closing = 0
                while closing < hashes && k < b.count && b[k] == UInt8(ascii: "#") {
                    closing += 1
                    k += 1
                }
                if closing == hashes { return k }
            }
            j += 1
        }
        return b.count
    }

    static func utf8Width(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        return 2
    }
}

func isIdentifierByte(_ c: UInt8) -> Bool {
    (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
        || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c >= 0x80
}

/// One line of a file with its code mask.
struct LineView {
    let bytes: [UInt8]
    let code: [Bool]
    let start: Int
    let end: Int

    struct Site {
        var offset: Int
        var original: String
        var replacement: String
        var kind: Mutation.Operator
    }

    func isCode(_ i: Int) -> Bool { i >= start && i < end && code[i] }
    func byte(_ i: Int) -> UInt8 { i >= start && i < end ? bytes[i] : 0 }

    /// The code bytes of the line without leading and trailing blanks.
    var trimmedCode: [UInt8] {
        var s = start, e = end
        while s < e && (bytes[s] == 32 || bytes[s] == 9) { s += 1 }
        while e > s && (!code[e - 1] || bytes[e - 1] == 32 || bytes[e - 1] == 9 || bytes[e - 1] == 13) { e -= 1 }
        return Array(bytes[s..<e])
    }

    func text(_ from: Int, _ to: Int) -> String { String(decoding: bytes[from..<to], as: UTF8.self) }

    func sites() -> [Site] { operators() + integers() + conditions() }

    static let operatorBytes = Set("<>=!&|+-*/%^".utf8)
    static let comparisons = ["<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="]

    private func operators() -> [Site] {
        var sites: [Site] = []
        var i = start
        while i < end {
            guard isCode(i), Self.operatorBytes.contains(bytes[i]) else {
                i += 1
                continue
            }
            var j = i
            while j < end && isCode(j) && Self.operatorBytes.contains(bytes[j]) { j += 1 }
            defer { i = j }
            guard byte(i - 1) == 32, byte(j) == 32, isCode(i - 1), isCode(j) else { continue }
            let op = text(i, j)
            let offset = i - start
            if let flipped = Self.comparisons[op] {
                sites.append(Site(offset: offset, original: op, replacement: flipped, kind: .flipComparison))
            } else if op == "+=" || op == "-=" {
                sites.append(Site(offset: offset, original: op, replacement: op == "+=" ? "-=" : "+=",
                                  kind: .swapPlusMinus))
            } else if op == "+" || op == "-" {
                // An operand before, and not a bound after (`T: Clone + Send`, `+ 'static`).
                var p = i - 1
                while p > start && bytes[p] == 32 { p -= 1 }
                let before = byte(p)
                guard isIdentifierByte(before) || before == UInt8(ascii: ")") || before == UInt8(ascii: "]") else {
                    continue
                }
                let after = byte(j + 1)
                if after == UInt8(ascii: "'") || (after >= UInt8(ascii: "A") && after <= UInt8(ascii: "Z")) { continue }
                sites.append(Site(offset: offset, original: op, replacement: op == "+" ? "-" : "+",
                                  kind: .swapPlusMinus))
            }
        }
        return sites
    }

    static let integerSuffixes: Set<String> = ["", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
                                                "i64", "i128", "isize"]

    private func integers() -> [Site] {
        var sites: [Site] = []
        var i = start
        while i < end {
            let c = bytes[i]
            guard isCode(i), c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else {
                i += 1
                continue
            }
            let previous = byte(i - 1)
            var j = i
            while j < end && isCode(j) && (isDigit(bytes[j]) || bytes[j] == UInt8(ascii: "_")) { j += 1 }
            var k = j
            while k < end && isCode(k) && isIdentifierByte(bytes[k]) { k += 1 }
            defer { i = max(k, i + 1) }
            // Not inside an identifier, not a tuple field (`t.0`); a range end (`0..10`) is fine.
            let field = previous == UInt8(ascii: ".") && byte(i - 2) != UInt8(ascii: ".")
            if isIdentifierByte(previous) || field || previous == UInt8(ascii: "'") { continue }
            // A float (`1.5`, `1e3`, `2.`) but not a range (`0..n`).
            if byte(j) == UInt8(ascii: ".") && byte(j + 1) != UInt8(ascii: ".") { continue }
            let suffix = text(j, k)
            guard Self.integerSuffixes.contains(suffix) else { continue }
            let digits = text(i, j).replacingOccurrences(of: "_", with: "")
            guard let value = UInt64(digits), value < UInt64(Int64.max) else { continue }
            sites.append(Site(offset: i - start, original: text(i, k), replacement: "\(value + 1)\(suffix)",
                              kind: .changeInteger))
        }
        return sites
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private func conditions() -> [Site] {
        var s = start
        while s < end && (bytes[s] == 32 || bytes[s] == 9) { s += 1 }
        var e = end
        while e > s && (!code[e - 1] || bytes[e - 1] == 32 || bytes[e - 1] == 9 || bytes[e - 1] == 13) { e -= 1 }
        guard e - s > 4, bytes[e - 1] == UInt8(ascii: "{"), bytes[e - 2] == 32 else { return [] }
        let line = text(s, e)
        var keywordEnd = 0
        for keyword in ["} else if ", "else if ", "if ", "while "] where line.hasPrefix(keyword) {
            keywordEnd = keyword.utf8.count
            break
        }
        guard keywordEnd > 0 else { return [] }
        let conditionStart = s + keywordEnd
        let conditionEnd = e - 2
        guard conditionEnd > conditionStart else { return [] }
        let condition = text(conditionStart, conditionEnd)
        guard !condition.hasPrefix("let "), !condition.contains("{"), !condition.contains("}") else { return [] }
        return [Site(offset: conditionStart - start, original: condition, replacement: "!(\(condition))",
                     kind: .negateCondition)]
    }
}

/// A small deterministic generator (the same seed gives the same order on every machine).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
