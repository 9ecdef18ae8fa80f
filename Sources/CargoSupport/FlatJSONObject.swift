/// One JSON object whose values are all scalars (strings, integers, `true`,
/// `false`, `null`), as libtest writes each event of its JSON listing on a
/// line. Read by hand: a 3,000-test listing through `JSONSerialization` cost
/// more than the rest of listing it. Anything else (a nested value, a
/// fraction, a malformed escape, trailing bytes) gives nil, and the caller
/// falls back to a slower way that never guesses.
enum FlatJSONObject {
    enum Value: Equatable {
        case string(String)
        case integer(Int)
        case bool(Bool)
        case null
    }

    static func parse(_ line: some Collection<UInt8>) -> [String: Value]? {
        let bytes = Array(line)
        return bytes.withUnsafeBufferPointer { buffer in parse(buffer) }
    }

    /// The same, reading the bytes where they are (a line of a larger buffer).
    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> [String: Value]? {
        var reader = Reader(bytes: line)
        return reader.object()
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func object() -> [String: Value]? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var object: [String: Value] = [:]
            // libtest's events have up to ten fields: one table, not four grown in turn.
            object.reserveCapacity(12)
            skipSpace()
            if take(UInt8(ascii: "}")) { return finished() ? object : nil }
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                guard let value = value(), object.updateValue(value, forKey: key) == nil else { return nil }
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                return finished() ? object : nil
            }
        }

        private mutating func finished() -> Bool {
            skipSpace()
            return at == bytes.count
        }

        private mutating func value() -> Value? {
            guard at < bytes.count else { return nil }
            switch bytes[at] {
            case UInt8(ascii: "\""): return string().map { .string($0) }
            case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return word("null") ? .null : nil
            default: return integer().map { .integer($0) }
            }
        }

        private mutating func integer() -> Int? {
            let negative = take(UInt8(ascii: "-"))
            let start = at
            var value = 0
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") {
                let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) = times.addingReportingOverflow(Int(bytes[at] - UInt8(ascii: "0")))
                guard !overflowTimes, !overflowSum else { return nil }
                value = sum
                at += 1
            }
            guard at > start, at - start == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            // A fraction or an exponent is not an integer.
            if at < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[at]) {
                return nil
            }
            return negative ? -value : value
        }

        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            // Most strings hold no escape: made from the bytes where they are.
            var end = at
            while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"),
                  bytes[end] >= 0x20 {
                end += 1
            }
            if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
                defer { at = end + 1 }
                return Self.utf8String(UnsafeBufferPointer(rebasing: bytes[at..<end]))
            }
            var utf8: [UInt8] = []
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""):
                    // Invalid UTF-8 is not JSON: refused rather than repaired.
                    return utf8.withUnsafeBufferPointer(Self.utf8String)
                case UInt8(ascii: "\\"):
                    guard at < bytes.count else { return nil }
                    let escaped = bytes[at]
                    at += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        utf8.append(contentsOf: String(Character(scalar)).utf8)
                    default: return nil
                    }
                case 0..<0x20: return nil  // control characters must be escaped
                default: utf8.append(byte)
                }
            }
            return nil
        }

        /// After `\u`: four hex digits, a surrogate pair as two escapes.
        private mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let first = hex4() else { return nil }
            if (0xD800..<0xDC00).contains(first) {
                guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let second = hex4(),
                      (0xDC00..<0xE000).contains(second)
                else { return nil }
                return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            }
            return Unicode.Scalar(first)
        }

        private mutating func hex4() -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[at]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                at += 1
            }
            return value
        }

        /// The bytes as a string, nil when they are not UTF-8. Not
        /// `String(validating:as:)`: generic and not specialised here, it
        /// looked up type metadata for every string, half of a large listing's reading.
        private static func utf8String(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
            let string = String(decoding: bytes, as: UTF8.self)
            // Decoding replaces what is not UTF-8, so the bytes differ exactly then.
            if bytes.allSatisfy({ $0 < 0x80 }) || string.utf8.elementsEqual(bytes) { return string }
            return nil
        }

        private mutating func word(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard at + count <= bytes.count else { return false }
            for k in 0..<count where bytes[at + k] != text.utf8Start[k] { return false }
            at += count
            return true
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        private mutating func skipSpace() {
            while at < bytes.count,
                  bytes[at] == UInt8(ascii: " ") || bytes[at] == UInt8(ascii: "\t") || bytes[at] == UInt8(ascii: "\r")
                    || bytes[at] == UInt8(ascii: "\n")
            {
                at += 1
            }
        }
    }
}
