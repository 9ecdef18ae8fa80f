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
/// - the package has no build script (generated code can carry docs);
/// - it and every crate its library depends on are workspace members with
///   no dependency from outside the workspace and no procedural macro
///   (a macro from elsewhere can expand to documented items);
/// - no `.rs` file of theirs contains a code fence (three backticks or
///   tildes), a block doc comment, a doc attribute written `doc = …` (which
///   covers `#[doc = include_str!(…)]`), an `include!` of Rust code, a
///   `#[path` attribute, or a `///` or `//!`
///   line indented as a Markdown code block (four spaces or a tab).
enum DoctestFreeLibrary {
    static func isCertain(_ package: CargoWorkspace.Package, workspace: CargoWorkspace) -> Bool {
        var seen = Set<String>()
        var queue = [package]
        while let next = queue.popLast() {
            guard seen.insert(CrateDigest.standardized(next.directory)).inserted else { continue }
            if next.targets["custom-build"] != nil || next.targets["proc-macro"] != nil || next.hasOutsideDependencies {
                return false
            }
            for path in next.libraryPathDependencies {
                guard let member = workspace.packages.first(where: {
                    CrateDigest.standardized($0.directory) == CrateDigest.standardized(path)
                }) else { return false }  // a path dependency outside the workspace: not read here
                queue.append(member)
            }
            guard sourcesAreDoctestFree(of: next, workspace: workspace) else { return false }
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
        for marker in ["```", "~~~", "/**", "/*!", "include!", "doc(include", "#[path"] where contains(bytes, marker) {
            return false
        }
        if containsDocAssignment(bytes) { return false }
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if isIndentedDocLine(line) { return false }
        }
        return true
    }

    /// `doc`, then spaces, then `=`: `#[doc = …]`, `#![doc = …]`, `cfg_attr(…, doc = …)`.
    static func containsDocAssignment(_ bytes: [UInt8]) -> Bool {
        let doc = Array("doc".utf8)
        var index = 0
        while index + doc.count <= bytes.count {
            if bytes[index] == doc[0], bytes[index + 1] == doc[1], bytes[index + 2] == doc[2] {
                var after = index + doc.count
                while after < bytes.count, bytes[after] == UInt8(ascii: " ") || bytes[after] == UInt8(ascii: "\t") {
                    after += 1
                }
                if after < bytes.count, bytes[after] == UInt8(ascii: "=") { return true }
            }
            index += 1
        }
        return false
    }

    /// A `///` or `//!` line whose text starts with four spaces or a tab after the marker's own space.
    static func isIndentedDocLine<Line: Collection>(_ line: Line) -> Bool where Line.Element == UInt8 {
        var rest = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard rest.starts(with: Array("///".utf8)) || rest.starts(with: Array("//!".utf8)) else { return false }
        rest = rest.dropFirst(3)
        if rest.first == UInt8(ascii: "/") { return false }  // `////` is an ordinary comment
        if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
        if rest.first == UInt8(ascii: "\t") { return true }
        return rest.prefix(4).count == 4 && rest.prefix(4).allSatisfy { $0 == UInt8(ascii: " ") }
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
