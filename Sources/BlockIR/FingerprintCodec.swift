/// A compact binary form of `ModuleFingerprint`, for the cache and for the
/// worker's answer. Little-endian, length-prefixed; decoding checks every bound.
public enum FingerprintCodec {
    static let magic: [UInt8] = Array("TRIMFP05".utf8)

    public struct DecodingError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func encode(_ module: ModuleFingerprint) -> [UInt8] {
        var w = ByteWriter(capacity: estimatedSize(module))
        encode(module, into: &w)
        return w.finish()
    }

    /// `encode`, after what `w` holds already.
    static func encode(_ module: ModuleFingerprint, into w: inout ByteWriter) {
        w.bytes(magic)
        w.string(module.sourceFilename)
        w.u32(UInt32(module.files.count))
        module.files.forEach { w.string($0) }
        w.u32(UInt32(module.globals.count))
        for (name, hash) in module.globals.sorted(by: { $0.key < $1.key }) {
            w.string(name)
            w.u64(hash)
            w.strings(module.globalReferences[name] ?? [])
        }
        w.u32(UInt32(module.testDescriptors.count))
        for d in module.testDescriptors {
            w.u64(d.digest)
            w.strings(d.strings)
            w.strings(d.references)
        }
        w.u32(UInt32(module.functions.count))
        // By index: copying each function and block out costs a retain per field.
        for i in module.functions.indices {
            w.string(module.functions[i].symbol)
            w.string(module.functions[i].demangled)
            w.string(module.functions[i].file ?? "")
            w.u8(module.functions[i].file == nil ? 0 : 1)
            w.u32(module.functions[i].line)
            w.u8(module.functions[i].isTestHarnessMain ? 1 : 0)
            w.u64(module.functions[i].nameHash)
            w.u32(UInt32(module.functions[i].blocks.count))
            for j in module.functions[i].blocks.indices {
                w.u64(module.functions[i].blocks[j].hash)
                w.u32(module.functions[i].blocks[j].file ?? UInt32.max)
                w.u32(module.functions[i].blocks[j].line)
                w.u32(module.functions[i].blocks[j].instructionCount)
                w.u32(UInt32(module.functions[i].blocks[j].successors.count))
                for successor in module.functions[i].blocks[j].successors { w.u32(successor) }
                w.strings(module.functions[i].blocks[j].externalGlobals)
                w.strings(module.functions[i].blocks[j].references)
            }
            w.u32(UInt32(module.functions[i].coverageBlocks.count))
            for slot in module.functions[i].coverageBlocks { w.u32(slot) }
        }
    }

    /// About what `encode` writes (blocks' fixed fields and the functions'
    /// names; their strings, a little more), to reserve once.
    static func estimatedSize(_ module: ModuleFingerprint) -> Int {
        var size = 1024
        for i in module.functions.indices {
            size += 64 + module.functions[i].symbol.utf8.count + module.functions[i].demangled.utf8.count
                + module.functions[i].blocks.count * 40
        }
        return size
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> ModuleFingerprint {
        var r = ByteReader(bytes)
        guard try r.bytes(magic.count) == magic else { throw DecodingError(description: "bad magic") }
        let source = try r.string()
        let files = try (0..<r.count()).map { _ in try r.string() }
        var globals: [String: UInt64] = [:]
        var globalReferences: [String: [String]] = [:]
        for _ in 0..<(try r.count()) {
            let name = try r.string()
            globals[name] = try r.u64()
            let references = try r.strings()
            if !references.isEmpty { globalReferences[name] = references }
        }
        var descriptors: [TestDescriptor] = []
        for _ in 0..<(try r.count()) {
            let digest = try r.u64()
            descriptors.append(TestDescriptor(digest: digest, strings: try r.strings(), references: try r.strings()))
        }
        let functionCount = try r.count()
        var functions: [FunctionFingerprint] = []
        functions.reserveCapacity(functionCount)
        for _ in 0..<functionCount {
            let symbol = try r.string()
            let demangled = try r.string()
            let file = try r.string()
            let hasFile = try r.u8() == 1
            let line = try r.u32()
            let harness = try r.u8() == 1
            let nameHash = try r.u64()
            let blockCount = try r.count()
            var blocks: [BlockFingerprint] = []
            blocks.reserveCapacity(blockCount)
            for _ in 0..<blockCount {
                let hash = try r.u64()
                let fileIndex = try r.u32()
                let blockLine = try r.u32()
                let instructions = try r.u32()
                let successors = try (0..<r.count()).map { _ in try r.u32() }
                let externals = try r.strings()
                blocks.append(BlockFingerprint(
                    hash: hash, successors: successors,
                    file: fileIndex == UInt32.max ? nil : fileIndex, line: blockLine,
                    instructionCount: instructions, externalGlobals: externals, references: try r.strings()))
            }
            let coverageBlocks = try (0..<r.count()).map { _ in try r.u32() }
            functions.append(FunctionFingerprint(
                symbol: symbol, demangled: demangled, file: hasFile ? file : nil, line: line,
                isTestHarnessMain: harness, blocks: blocks, coverageBlocks: coverageBlocks, nameHash: nameHash))
        }
        guard r.atEnd else { throw DecodingError(description: "trailing bytes") }
        return ModuleFingerprint(sourceFilename: source, files: files, functions: functions, globals: globals,
                                 testDescriptors: descriptors, globalReferences: globalReferences)
    }
}

struct ByteWriter {
    /// Bytes written so far, then spare room: `storage[..<count]` is the output.
    private var storage: [UInt8]
    private var count = 0

    /// `capacity`: the bytes expected, reserved at once (a crate's module is
    /// megabytes: growing by doubling copied it again and again).
    init(capacity: Int = 0) { storage = Array(repeating: 0, count: max(capacity, 64)) }

    /// The bytes written, without a copy; the writer is done with.
    consuming func finish() -> [UInt8] {
        storage.removeSubrange(count...)
        return storage
    }

    private mutating func reserve(_ n: Int) {
        guard count + n > storage.count else { return }
        storage.append(contentsOf: repeatElement(0, count: max(storage.count, n)))
    }

    // Stored in place: appending byte by byte checked capacity and
    // uniqueness four or eight times for each number.
    private mutating func store<T: FixedWidthInteger>(_ v: T) {
        reserve(MemoryLayout<T>.size)
        let at = count
        storage.withUnsafeMutableBytes { $0.storeBytes(of: v.littleEndian, toByteOffset: at, as: T.self) }
        count += MemoryLayout<T>.size
    }

    mutating func u8(_ v: UInt8) { store(v) }
    mutating func u32(_ v: UInt32) { store(v) }
    mutating func u64(_ v: UInt64) { store(v) }
    mutating func bytes(_ b: [UInt8]) { b.withUnsafeBytes { raw(UnsafeRawBufferPointer($0)) } }
    private mutating func raw(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        let at = count
        storage.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: at).copyMemory(from: source, byteCount: bytes.count) }
        count += bytes.count
    }
    mutating func strings(_ list: [String]) {
        u32(UInt32(list.count))
        list.forEach { string($0) }
    }
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            u32(UInt32(utf8.count))
            raw(UnsafeRawBufferPointer(utf8))
        }
    }
}

struct ByteReader {
    let base: UnsafeRawBufferPointer
    var offset = 0
    init(_ base: UnsafeRawBufferPointer) { self.base = base }

    var atEnd: Bool { offset == base.count }

    private mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, n <= base.count - offset else {
            throw FingerprintCodec.DecodingError(description: "truncated at byte \(offset)")
        }
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: base[offset..<offset + n])
    }
    mutating func u8() throws -> UInt8 { try take(1)[0] }
    mutating func u32() throws -> UInt32 { UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)) }
    mutating func u64() throws -> UInt64 { UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self)) }
    /// A count of following items; each takes at least one byte, which bounds it.
    mutating func count() throws -> Int {
        let n = Int(try u32())
        guard n <= base.count - offset else {
            throw FingerprintCodec.DecodingError(description: "impossible count \(n) at byte \(offset)")
        }
        return n
    }
    mutating func bytes(_ n: Int) throws -> [UInt8] { Array(try take(n)) }
    mutating func string() throws -> String { String(decoding: try take(Int(try u32())), as: UTF8.self) }
    mutating func strings() throws -> [String] { try (0..<count()).map { _ in try string() } }
}
