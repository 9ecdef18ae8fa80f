/// A source line as debug info names it: the file (absolute when read from
/// bitcode; as rustc was given it, often relative, in a fingerprint) and a
/// 1-based line.
public struct SourceLine: Hashable, Comparable, Sendable {
    public var file: String
    public var line: UInt32

    public init(file: String, line: UInt32) {
        self.file = file
        self.line = line
    }

    public static func < (a: SourceLine, b: SourceLine) -> Bool { (a.file, a.line) < (b.file, b.line) }
}

/// Each defined function's blocks (layout order, the indices fingerprints and
/// hits use) with the source lines their instructions' debug locations name.
/// Read by the worker (`IsolatedReader.blockLines`), like a fingerprint.
public struct BlockLines: Equatable, Sendable {
    /// Symbol → per block, its distinct lines in instruction order.
    public var functions: [String: [[SourceLine]]]

    public init(functions: [String: [[SourceLine]]]) { self.functions = functions }
}

/// A compact binary form of `BlockLines`, for the worker's answer and the
/// cache: a table of file names, then each function's blocks' lines as
/// indices into it. Little-endian, length-prefixed; decoding checks every bound.
public enum BlockLinesCodec {
    static let magic: [UInt8] = Array("TRIMBL01".utf8)
    /// Bumped whenever what a block's lines hold changes meaning.
    static let formatVersion = "1"

    public static func encode(_ lines: BlockLines) -> [UInt8] {
        var files: [String] = []
        var fileIndex: [String: UInt32] = [:]
        let sorted = lines.functions.sorted { $0.key < $1.key }
        for (_, blocks) in sorted {
            for block in blocks {
                for line in block where fileIndex[line.file] == nil {
                    fileIndex[line.file] = UInt32(files.count)
                    files.append(line.file)
                }
            }
        }
        var w = ByteWriter()
        w.bytes(magic)
        w.strings(files)
        w.u32(UInt32(sorted.count))
        for (symbol, blocks) in sorted {
            w.string(symbol)
            w.u32(UInt32(blocks.count))
            for block in blocks {
                w.u32(UInt32(block.count))
                for line in block {
                    w.u32(fileIndex[line.file]!)
                    w.u32(line.line)
                }
            }
        }
        return w.finish()
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> BlockLines {
        var r = ByteReader(bytes)
        guard try r.bytes(magic.count) == magic else { throw FingerprintCodec.DecodingError(description: "bad magic") }
        let files = try r.strings()
        var functions: [String: [[SourceLine]]] = [:]
        for _ in 0..<(try r.count()) {
            let symbol = try r.string()
            var blocks: [[SourceLine]] = []
            for _ in 0..<(try r.count()) {
                var block: [SourceLine] = []
                for _ in 0..<(try r.count()) {
                    let file = Int(try r.u32()), line = try r.u32()
                    guard file < files.count else {
                        throw FingerprintCodec.DecodingError(description: "file index \(file) of \(files.count)")
                    }
                    block.append(SourceLine(file: files[file], line: line))
                }
                blocks.append(block)
            }
            functions[symbol] = blocks
        }
        guard r.atEnd else { throw FingerprintCodec.DecodingError(description: "trailing bytes") }
        return BlockLines(functions: functions)
    }
}
