import CLLVMShim

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
public struct BlockLines: Sendable {
    /// Symbol → per block, its distinct lines in instruction order.
    public var functions: [String: [[SourceLine]]]

    public init(functions: [String: [[SourceLine]]]) { self.functions = functions }

    /// Reads `path` in this process. Only for bitcode whose content the
    /// fingerprint worker has already read without failing (its content hash
    /// is a recorded module's): LLVM's reader is trusted with nothing else here.
    public static func read(path: String) -> Result<BlockLines, ShimReader.Failure> {
        guard let result = trim_read_block_lines(path) else { return .failure(.open(message: "out of memory")) }
        defer { trim_block_lines_free(result) }
        let r = result.pointee
        if let error = r.error { return .failure(.parse(message: String(cString: error), producer: nil)) }
        var strings: [String] = []
        strings.reserveCapacity(r.string_count)
        for i in 0..<r.string_count { strings.append(String(cString: r.strings[i]!)) }
        var functions: [String: [[SourceLine]]] = [:]
        for f in 0..<r.function_count {
            let function = r.functions[f]
            var blocks: [[SourceLine]] = []
            blocks.reserveCapacity(Int(function.block_count))
            for b in 0..<Int(function.block_count) {
                let block = r.blocks[Int(function.first_block) + b]
                blocks.append((0..<Int(block.line_count)).map { i in
                    let line = r.lines[Int(block.first_line) + i]
                    return SourceLine(file: strings[Int(line.file)], line: line.line)
                })
            }
            // A symbol defined in several units: the first copy read stands.
            let symbol = strings[Int(function.symbol)]
            if functions[symbol] == nil { functions[symbol] = blocks }
        }
        return .success(BlockLines(functions: functions))
    }
}
