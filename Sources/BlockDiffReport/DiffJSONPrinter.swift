import BlockIR
import Foundation

/// `blockdiff --json`: one object with a summary and every changed function.
public enum DiffJSONPrinter {
    struct Document: Encodable {
        struct Summary: Encodable {
            var functions_changed, functions_added, functions_removed, blocks_changed: Int
        }
        struct Block: Encodable {
            var index: Int
            var status: String
            var file: String?
            var line: Int
        }
        struct Function: Encodable {
            var symbol, name, status: String
            var file: String?
            var line: Int
            var module: String
            var blocks: [Block]
        }
        struct Module: Encodable {
            var path, status: String
        }
        var summary: Summary
        var functions: [Function]
        var modules: [Module]
    }

    public static func render(_ diff: BitcodeDiff) -> String {
        let s = diff.summary
        let document = Document(
            summary: .init(functions_changed: s.functionsChanged, functions_added: s.functionsAdded,
                           functions_removed: s.functionsRemoved, blocks_changed: s.blocksChanged),
            functions: diff.functions.map { f in
                .init(symbol: f.symbol, name: f.name, status: f.status.rawValue, file: f.file, line: f.line,
                      module: f.module,
                      blocks: f.blocks.map { .init(index: $0.index, status: $0.status.rawValue, file: $0.file,
                                                   line: $0.line) })
            },
            modules: diff.modules.map { .init(path: $0.path, status: $0.status.rawValue) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
