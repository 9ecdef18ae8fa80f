import Foundation

/// Rewrites the file at `path` with `change` applied to its text.
func edit(_ path: String, _ change: (String) throws(GenerateError) -> String) throws(GenerateError) {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw .cannotWrite(path: path, reason: "cannot read it as UTF-8 text")
    }
    let changed = try change(text)
    do {
        try Data(changed.utf8).write(to: URL(fileURLWithPath: path))
    } catch {
        throw .cannotWrite(path: path, reason: "\(error)")
    }
}

/// `text` with the first (or every) occurrence of `from`, compared byte for
/// byte, replaced by `to`; `from` must occur.
func replacing(_ from: String, with to: String, in text: String, all: Bool, path: String) throws(GenerateError) -> String {
    let bytes = Array(text.utf8), pattern = Array(from.utf8)
    guard !pattern.isEmpty else { throw .usage("the text to replace in \(path) is empty") }
    var result: [UInt8] = []
    var start = 0, found = false, index = 0
    while index + pattern.count <= bytes.count {
        if (!found || all) && bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
            result += bytes[start..<index] + Array(to.utf8)
            index += pattern.count
            start = index
            found = true
        } else {
            index += 1
        }
    }
    guard found else { throw .textNotFound(path: path, text: from) }
    result += bytes[start...]
    return String(decoding: result, as: UTF8.self)
}

/// `text` with `insertion` and a newline put before its last `}`, and the
/// whitespace after that brace replaced by one newline.
func beforeLastBrace(_ insertion: String, in text: String, path: String) throws(GenerateError) -> String {
    let scalars = text.unicodeScalars
    guard let brace = scalars.lastIndex(of: "}"),
          scalars[scalars.index(after: brace)...].allSatisfy({ " \t\n\r\u{0B}\u{0C}".unicodeScalars.contains($0) })
    else { throw .textNotFound(path: path, text: "} with only whitespace after it") }
    return String(scalars[..<brace]) + insertion + "\n}\n"
}
