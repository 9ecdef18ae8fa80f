/// Sorted line numbers as closed ranges: 3, 4, 5, 9 → 3–5, 9.
public struct LineRange: Hashable, Sendable, Codable {
    public var first: UInt32
    public var last: UInt32

    public init(first: UInt32, last: UInt32) {
        self.first = first
        self.last = last
    }

    public static func ranges<S: Sequence>(of lines: S) -> [LineRange] where S.Element == UInt32 {
        var ranges: [LineRange] = []
        for line in Set(lines).sorted() {
            if let last = ranges.last, last.last + 1 == line {
                ranges[ranges.count - 1].last = line
            } else {
                ranges.append(LineRange(first: line, last: line))
            }
        }
        return ranges
    }

    public var text: String { first == last ? "\(first)" : "\(first)-\(last)" }
}
