import Foundation

/// A Rust source file with `{{name}}` placeholders, bundled into the executable.
/// Placeholder names are identifiers, so Rust's own braces (`{{` in a format
/// string, `{` before a placeholder) are left alone.
struct Template {
    let name: String
    let text: String

    init(name: String, bytes: [UInt8]) {
        self.name = name
        self.text = String(decoding: bytes, as: UTF8.self)
    }

    /// The text with every placeholder replaced by its value. A placeholder
    /// without a value is a mistake in the generator, so it throws rather than
    /// leave `{{...}}` in the crate.
    func render(_ values: [String: String]) throws(GenerateError) -> String {
        let pattern = #/\{\{([A-Za-z][A-Za-z0-9]*)\}\}/#
        var missing: [String] = []
        let rendered = text.replacing(pattern) { match in
            let key = String(match.output.1)
            guard let value = values[key] else {
                missing.append(key)
                return ""
            }
            return value
        }
        guard missing.isEmpty else { throw .missingValues(template: name, names: missing) }
        return rendered
    }
}

enum GenerateError: Error, CustomStringConvertible {
    case missingValues(template: String, names: [String])
    case usage(String)
    case cannotWrite(path: String, reason: String)
    case textNotFound(path: String, text: String)

    var description: String {
        switch self {
        case .missingValues(let template, let names):
            "template \(template) has no value for \(names.map { "{{\($0)}}" }.joined(separator: ", "))"
        case .usage(let message):
            message
        case .cannotWrite(let path, let reason):
            "cannot write \(path): \(reason)"
        case .textNotFound(let path, let text):
            "'\(text)' not found in \(path)"
        }
    }
}

/// Writes `text` to `directory/relativePath`, creating directories on the way.
func writeFile(_ text: String, to relativePath: String, in directory: URL) throws(GenerateError) {
    let file = directory.appendingPathComponent(relativePath)
    do {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    } catch {
        throw .cannotWrite(path: file.path, reason: "\(error)")
    }
}
