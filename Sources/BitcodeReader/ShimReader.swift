import BlockIR
import CLLVMShim

/// Reads bitcode in this process through CLLVMShim. LLVM's reader can crash on
/// damaged input, so only the fingerprint worker calls this; everything else
/// goes through `IsolatedReader`. The result is one unit's fingerprint, its
/// function references not folded yet (`CrateModule` does that).
public enum ShimReader {
    /// The LLVM version libLLVM reports, e.g. "22.1.8" (what this process
    /// reads with, whatever the headers said). Read once: the shim formats it
    /// into a static buffer.
    public static let loadedLLVMVersion: String = String(cString: trim_llvm_version())

    public enum Failure: Error, Sendable {
        case open(message: String)
        case parse(message: String, producer: String?)
    }

    /// `thenExit`: the caller exits right after (the worker): LLVM's own
    /// structures are not torn down, and up to `threads` threads read the
    /// function bodies (the answer is the same for any number).
    public static func read(path: String, thenExit: Bool = false, threads: Int = 1)
        -> Result<ModuleFingerprint, Failure>
    {
        readCounting(path: path, thenExit: thenExit, threads: threads).result
    }

    /// `read`, how many threads read the module and how many LLVM contexts loaded it.
    public static func readCounting(path: String, thenExit: Bool = false, threads: Int = 1)
        -> (result: Result<ModuleFingerprint, Failure>, threadsUsed: Int, contextsLoaded: Int)
    {
        let count = UInt32(clamping: max(1, threads))
        let reader = thenExit ? trim_read_bitcode_then_exit(path, count) : trim_read_bitcode(path, count)
        guard let module = reader else {
            return (.failure(.open(message: "out of memory")), 0, 0)
        }
        defer { trim_module_free(module) }
        let m = module.pointee
        switch m.status {
        case TRIM_OK: break
        case TRIM_ERR_OPEN:
            return (.failure(.open(message: String(cString: m.error))), 0, 0)
        default:
            let producer = m.producer_hint.map { String(cString: $0) }
            return (.failure(.parse(message: String(cString: m.error), producer: producer)), 0, 0)
        }
        return (.success(convert(m)), Int(m.threads_used), Int(m.contexts_loaded))
    }

    /// A C array's range; the shim leaves arrays it never filled as NULL.
    private static func slice<T>(_ base: UnsafeMutablePointer<T>?, _ start: UInt32, _ count: UInt32)
        -> UnsafeBufferPointer<T>
    {
        guard let base, count > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base + Int(start), count: Int(count))
    }

    private static func convert(_ m: trim_module) -> ModuleFingerprint {
        let strings = (0..<m.string_count).map { String(cString: m.strings[$0]!) }
        func optionalString(_ index: UInt32) -> String? {
            index == UInt32.max ? nil : strings[Int(index)]
        }
        // Files are re-indexed into their own table so the module keeps only the
        // strings blocks refer to.
        var fileIndex: [UInt32: UInt32] = [:]
        var files: [String] = []
        func file(_ index: UInt32) -> UInt32? {
            guard index != UInt32.max else { return nil }
            if let known = fileIndex[index] { return known }
            let new = UInt32(files.count)
            files.append(strings[Int(index)])
            fileIndex[index] = new
            return new
        }
        var functions: [FunctionFingerprint] = []
        functions.reserveCapacity(m.function_count)
        func references(_ first: UInt32, _ count: UInt32) -> [String] {
            slice(m.function_refs, first, count).map { strings[Int($0)] }
        }
        for f in slice(m.functions, 0, UInt32(m.function_count)) {
            var blocks: [BlockFingerprint] = []
            blocks.reserveCapacity(Int(f.block_count))
            for b in slice(m.blocks, f.first_block, f.block_count) {
                let successors = Array(slice(m.successors, b.first_successor, b.successor_count))
                let externals = slice(m.external_refs, b.first_external_ref, b.external_ref_count)
                    .map { strings[Int($0)] }
                blocks.append(BlockFingerprint(
                    hash: b.hash, successors: successors, file: file(b.file), line: b.line,
                    instructionCount: b.instruction_count, externalGlobals: externals,
                    references: references(b.first_function_ref, b.function_ref_count)))
            }
            functions.append(FunctionFingerprint(
                symbol: strings[Int(f.symbol)], demangled: strings[Int(f.demangled)],
                file: optionalString(f.file), line: f.line,
                isTestHarnessMain: f.is_test_harness_main != 0, blocks: blocks,
                coverageBlocks: Array(slice(m.coverage_blocks, f.first_coverage_block, f.coverage_block_count)),
                nameHash: f.name_hash))
        }
        var globals: [String: UInt64] = [:]
        var globalReferences: [String: [String]] = [:]
        for g in slice(m.globals, 0, UInt32(m.global_count)) {
            let name = strings[Int(g.symbol)]
            globals[name] = g.content_hash
            if g.function_ref_count > 0 { globalReferences[name] = references(g.first_function_ref, g.function_ref_count) }
        }
        let descriptors = slice(m.test_descriptors, 0, UInt32(m.test_descriptor_count)).map { d in
            TestDescriptor(digest: d.digest,
                           strings: slice(m.descriptor_strings, d.first_string, d.string_count).map { strings[Int($0)] },
                           references: references(d.first_function_ref, d.function_ref_count))
        }
        return ModuleFingerprint(
            sourceFilename: strings[Int(m.source_filename)], files: files,
            functions: functions, globals: globals, testDescriptors: descriptors, globalReferences: globalReferences)
    }
}
