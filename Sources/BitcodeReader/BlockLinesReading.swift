import BlockIR
import CLLVMShim

extension ShimReader {
    /// Reads `path`'s block lines in this process (the worker's `--lines`).
    public static func blockLines(path: String) -> Result<BlockLines, Failure> {
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
