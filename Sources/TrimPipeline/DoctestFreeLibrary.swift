import BlockIR
import CargoSupport
import Foundation

/// Whether a workspace library certainly has no doctest, read from the text
/// of its sources, so that an edit to it need not run rustdoc to list its
/// doctests again. Only certainty counts: whatever could put a code block
/// into the library's documentation without it appearing as text in the
/// sources read here makes the answer "not certain", and the library is
/// listed by rustdoc as before.
///
/// Certain means all of:
/// - the package has no build script (generated code can carry docs), and
///   its library's root file lies inside its directory;
/// - it and every crate its library depends on are workspace members with
///   no dependency from outside the workspace and no procedural macro
///   (a macro from elsewhere can expand to documented items);
/// - no `.rs` file of theirs holds, in its `///` and `//!` lines, a code
///   block rustdoc could test: a fence whose tag is not one non-Rust
///   language (```` ```text ````, ```` ```toml ````…) or that the doc comment
///   leaves open, or a line indented as a Markdown code block (four spaces or
///   a tab); nor anywhere a block doc comment, a doc attribute written
///   `doc = …` (which covers `#[doc = include_str!(…)]`), an `include!` of
///   Rust code or a `#[path` attribute.
enum DoctestFreeLibrary {
    static func isCertain(_ package: CargoWorkspace.Package, workspace: CargoWorkspace) -> Bool {
        var read: [String: Bool] = [:]
        return isCertain(package, workspace: workspace, sourcesRead: &read)
    }

    /// `sourcesRead`: package directory → whether its sources are free,
    /// shared across the libraries of one listing so each package is read once.
    static func isCertain(_ package: CargoWorkspace.Package, workspace: CargoWorkspace,
                          sourcesRead: inout [String: Bool]) -> Bool {
        var seen = Set<String>()
        var queue = [package]
        while let next = queue.popLast() {
            guard seen.insert(CrateDigest.standardized(next.directory)).inserted else { continue }
            if next.targets["custom-build"] != nil || next.targets["proc-macro"] != nil || next.hasOutsideDependencies {
                return false
            }
            // A library whose root file lies outside its package (`[lib] path = "../…"`) has sources not read here.
            if let root = next.librarySourcePath,
                !CrateDigest.standardized(root).hasPrefix(CrateDigest.standardized(next.directory) + "/")
            {
                return false
            }
            for path in next.libraryPathDependencies {
                guard let member = workspace.packages.first(where: {
                    CrateDigest.standardized($0.directory) == CrateDigest.standardized(path)
                }) else { return false }  // a path dependency outside the workspace: not read here
                queue.append(member)
            }
            let directory = CrateDigest.standardized(next.directory)
            let free = sourcesRead[directory] ?? sourcesAreDoctestFree(of: next, workspace: workspace)
            sourcesRead[directory] = free
            guard free else { return false }
        }
        return true
    }

    /// What a certainly doctest-free library's listing depends on: its
    /// manifest and the workspace's (which targets exist, what is listed).
    static func listingKey(_ package: CargoWorkspace.Package, workspace: CargoWorkspace) -> String {
        let manifests = [package.manifestPath] + ["Cargo.toml", "Cargo.lock"].map {
            (workspace.root as NSString).appendingPathComponent($0)
        }
        return "doctest-free " + manifests.map { "\($0) \(ContentHash.of(file: $0) ?? "missing")" }.joined(separator: " ")
    }

    static func sourcesAreDoctestFree(of package: CargoWorkspace.Package, workspace: CargoWorkspace) -> Bool {
        let others = Set(workspace.packages.map { CrateDigest.standardized($0.directory) })
        for path in CrateDigest.filePaths(of: package.directory, otherPackages: others,
                                           targetDirectory: workspace.targetDirectory)
        where path.hasSuffix(".rs") {
            guard let data = FileManager.default.contents(atPath: path), textIsDoctestFree(data) else { return false }
        }
        return true
    }

    /// The text of one source file holds nothing that could become a doctest.
    static func textIsDoctestFree(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        for marker in ["/**", "/*!", "include!", "doc(include", "#[path"] where contains(bytes, marker) {
            return false
        }
        if containsDocAssignment(bytes) { return false }
        var docs = DocBlockScan()
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            guard docs.accept(line) else { return false }
        }
        return docs.finish()
    }

    /// Consecutive `///` or `//!` lines, read as rustdoc reads their Markdown:
    /// a fenced block is allowed only when it is tagged with one language
    /// rustdoc does not test (```` ```text ````) and closed in the same run of
    /// doc lines; a line indented as a code block outside such a fence is not.
    struct DocBlockScan {
        /// Languages rustdoc never compiles: a block tagged with one of them alone is no doctest.
        static let otherLanguages: Set<String> = [
            "text", "txt", "plain", "plaintext", "sh", "bash", "shell", "console", "toml", "json", "yaml", "yml",
            "csv", "sql", "xml", "html", "diff", "markdown", "md", "ini", "c", "cpp", "python", "js", "javascript",
        ]
        /// The open fence: its character and length.
        private var fence: (character: UInt8, count: Int)?

        /// Whether the line keeps the file certain.
        mutating func accept(_ line: ArraySlice<UInt8>) -> Bool {
            guard let content = DoctestFreeLibrary.docContent(line) else {
                return fence == nil  // a fence left open when the doc comment ends
            }
            let indent = content.prefix { $0 == UInt8(ascii: " ") }.count
            let rest = content.dropFirst(indent)
            let marker = rest.first
            let run = rest.prefix { $0 == marker }.count
            let isFence = indent < 4 && (marker == UInt8(ascii: "`") || marker == UInt8(ascii: "~")) && run >= 3
            if let open = fence {
                if isFence, marker == open.character, run >= open.count,
                    rest.dropFirst(run).allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") })
                {
                    fence = nil
                }
                return true
            }
            if isFence, let marker {
                let info = String(decoding: rest.dropFirst(run), as: UTF8.self).trimmingCharacters(in: .whitespaces)
                guard Self.otherLanguages.contains(info) else { return false }
                fence = (marker, run)
                return true
            }
            return !(content.first == UInt8(ascii: "\t") || indent >= 4)
        }

        func finish() -> Bool { fence == nil }
    }

    /// The text of a `///` or `//!` line after its marker and the marker's
    /// own space; nil for any other line (`////` is an ordinary comment).
    static func docContent(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let rest = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard rest.starts(with: Array("///".utf8)) || rest.starts(with: Array("//!".utf8)) else { return nil }
        var content = rest.dropFirst(3)
        if content.first == UInt8(ascii: "/") && rest.starts(with: Array("///".utf8)) { return nil }
        if content.first == UInt8(ascii: " ") { content = content.dropFirst() }
        return content
    }

    /// `doc`, then white space (line breaks too), then `=`: `#[doc = …]`, `#![doc = …]`, `cfg_attr(…, doc = …)`.
    static func containsDocAssignment(_ bytes: [UInt8]) -> Bool {
        let doc = Array("doc".utf8)
        var index = 0
        while index + doc.count <= bytes.count {
            if bytes[index] == doc[0], bytes[index + 1] == doc[1], bytes[index + 2] == doc[2] {
                var after = index + doc.count
                while after < bytes.count, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")]
                    .contains(bytes[after])
                {
                    after += 1
                }
                if after < bytes.count, bytes[after] == UInt8(ascii: "=") { return true }
            }
            index += 1
        }
        return false
    }

    static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0] && bytes[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
