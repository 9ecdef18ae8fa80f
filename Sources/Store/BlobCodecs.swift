import BlockIR
import Foundation
import GRDB

/// A blob in the database that does not decode: the file is damaged (or was
/// written by something that is not trim).
struct BlobError: Error, CustomStringConvertible {
    var description: String
}

/// Little-endian fixed-width integers, LEB128 varints, varint-prefixed UTF-8.
struct BlobWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u64(_ v: UInt64) {
        var v = v
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }
    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
    mutating func varint(_ v: UInt32) { varint(UInt64(v)) }
    mutating func varint(_ v: Int) { varint(UInt64(v)) }
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }
}

/// Reads what `BlobWriter` wrote; checks every bound.
struct BlobReader {
    let base: UnsafeRawBufferPointer
    var offset = 0

    init(_ base: UnsafeRawBufferPointer) { self.base = base }

    var atEnd: Bool { offset == base.count }

    mutating func u8() throws(BlobError) -> UInt8 {
        guard offset < base.count else { throw BlobError(description: "truncated blob at byte \(offset)") }
        defer { offset += 1 }
        return base[offset]
    }
    mutating func u64() throws(BlobError) -> UInt64 {
        guard base.count - offset >= 8 else { throw BlobError(description: "truncated blob at byte \(offset)") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(base[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return v
    }
    mutating func varint() throws(BlobError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try u8()
            guard shift < 64 else { throw BlobError(description: "overlong varint at byte \(offset)") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }
    mutating func u32() throws(BlobError) -> UInt32 {
        let v = try varint()
        guard v <= UInt64(UInt32.max) else { throw BlobError(description: "value out of range at byte \(offset)") }
        return UInt32(v)
    }
    /// A count of following items, each at least one byte long: bounded by what is left.
    mutating func count() throws(BlobError) -> Int {
        let n = try varint()
        guard n <= UInt64(base.count - offset) else {
            throw BlobError(description: "impossible count \(n) at byte \(offset)")
        }
        return Int(n)
    }
    mutating func string() throws(BlobError) -> String {
        let n = try count()
        defer { offset += n }
        return String(decoding: UnsafeRawBufferPointer(rebasing: base[offset..<offset + n]), as: UTF8.self)
    }
    func finish(_ what: String) throws(BlobError) {
        guard atEnd else { throw BlobError(description: "\(what): \(base.count - offset) trailing bytes") }
    }
}

/// A fast 64-bit hash of bytes. Only an index key: equal hashes are always
/// confirmed by comparing the bytes, so a collision costs a comparison, never
/// correctness.
enum IndexHash {
    static func of(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { of($0, seed: seed) }
    }

    static func of(_ raw: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let n = raw.count
        var h = seed ^ (UInt64(n) &* 0x9E37_79B9_7F4A_7C15)
        var i = 0
        while i + 8 <= n {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = (h ^ mix(word)) &* 0x9FB2_1C65_1E98_DF25
            h = (h << 29) | (h >> 35)
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(raw[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ mix(tail ^ 0xA5)) &* 0x9FB2_1C65_1E98_DF25
        return mix(h)
    }

    /// MurmurHash3's fmix64.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var x = x
        x ^= x >> 33
        x = x &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x = x &* 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}

/// The stored form of one `FunctionFingerprint`, independent of the module it
/// came from, so that one function row serves every module and build that
/// holds a byte-identical function.
///
/// A block's `file` is an index into its module's `files`; that index moves
/// when another function adds a file, so blocks refer to a small table of
/// file *names* inside the function instead, and decoding maps the names back
/// through the module's `files` (stored with the module).
///
/// Layout (format 1): `u8 1`, symbol, demangled, `u8 flags` (1 = has file,
/// 2 = test-harness main), [file], line, file table (count; each `u8 0` +
/// name, or `u8 1` + a raw index that was out of the module's range), blocks
/// (count; each `u64` hash, file ref (0 = none, k = table entry k-1), line,
/// instruction count, successors, external globals), coverage blocks. Counts
/// and integers are LEB128 varints, strings varint-length UTF-8.
public enum StoredFunctionCodec {
    static let format: UInt8 = 1

    public static func encode(_ function: FunctionFingerprint, moduleFiles files: [String]) -> [UInt8] {
        var w = BlobWriter(capacity: 64 + function.blocks.count * 16)
        w.u8(format)
        w.string(function.symbol)
        w.string(function.demangled)
        w.u8((function.file == nil ? 0 : 1) | (function.isTestHarnessMain ? 2 : 0))
        if let file = function.file { w.string(file) }
        w.varint(function.line)

        // Local file table, in order of first use.
        var table: [UInt32: Int] = [:]
        var entries: [UInt32] = []
        for block in function.blocks {
            if let index = block.file, table[index] == nil {
                table[index] = entries.count
                entries.append(index)
            }
        }
        w.varint(entries.count)
        for index in entries {
            if Int(index) < files.count {
                w.u8(0)
                w.string(files[Int(index)])
            } else {
                w.u8(1)
                w.varint(index)
            }
        }

        w.varint(function.blocks.count)
        for block in function.blocks {
            w.u64(block.hash)
            w.varint(block.file.map { UInt64(table[$0]! + 1) } ?? 0)
            w.varint(block.line)
            w.varint(block.instructionCount)
            w.varint(block.successors.count)
            block.successors.forEach { w.varint($0) }
            w.varint(block.externalGlobals.count)
            block.externalGlobals.forEach { w.string($0) }
        }
        w.varint(function.coverageBlocks.count)
        function.coverageBlocks.forEach { w.varint($0) }
        return w.bytes
    }

    /// `fileIndex`: the module's file name → its first index in `ModuleFingerprint.files`.
    public static func decode(_ bytes: UnsafeRawBufferPointer,
                              fileIndex: [String: UInt32]) throws -> FunctionFingerprint {
        try decodeTyped(bytes, fileIndex: fileIndex)
    }

    static func decodeTyped(_ bytes: UnsafeRawBufferPointer,
                            fileIndex: [String: UInt32]) throws(BlobError) -> FunctionFingerprint {
        var r = BlobReader(bytes)
        let version = try r.u8()
        guard version == format else { throw BlobError(description: "function blob format \(version), expected \(format)") }
        let symbol = try r.string()
        let demangled = try r.string()
        let flags = try r.u8()
        let file = flags & 1 != 0 ? try r.string() : nil
        let line = try r.u32()
        let tableCount = try r.count()
        var table: [UInt32] = []
        table.reserveCapacity(tableCount)
        for _ in 0..<tableCount {
            switch try r.u8() {
            case 0:
                let name = try r.string()
                guard let index = fileIndex[name] else {
                    throw BlobError(description: "function \(symbol): file \(name) is not in its module's file table")
                }
                table.append(index)
            case 1:
                table.append(try r.u32())
            case let kind:
                throw BlobError(description: "function \(symbol): bad file entry kind \(kind)")
            }
        }
        let blockCount = try r.count()
        var blocks: [BlockFingerprint] = []
        blocks.reserveCapacity(blockCount)
        for _ in 0..<blockCount {
            let hash = try r.u64()
            let fileRef = try r.varint()
            guard fileRef <= UInt64(table.count) else {
                throw BlobError(description: "function \(symbol): file reference \(fileRef) out of range")
            }
            let blockLine = try r.u32()
            let instructions = try r.u32()
            let successorCount = try r.count()
            var successors: [UInt32] = []
            successors.reserveCapacity(successorCount)
            for _ in 0..<successorCount { successors.append(try r.u32()) }
            let externalCount = try r.count()
            var externals: [String] = []
            for _ in 0..<externalCount { externals.append(try r.string()) }
            blocks.append(BlockFingerprint(
                hash: hash, successors: successors, file: fileRef == 0 ? nil : table[Int(fileRef - 1)],
                line: blockLine, instructionCount: instructions, externalGlobals: externals))
        }
        let coverageCount = try r.count()
        var coverage: [UInt32] = []
        coverage.reserveCapacity(coverageCount)
        for _ in 0..<coverageCount { coverage.append(try r.u32()) }
        try r.finish("function \(symbol)")
        return FunctionFingerprint(symbol: symbol, demangled: demangled, file: file, line: line,
                                   isTestHarnessMain: flags & 2 != 0, blocks: blocks, coverageBlocks: coverage)
    }
}

/// A module's own fields (everything but its functions): `u8 1`, source
/// filename, files, globals sorted by name (name, `u64` hash).
enum ModuleHeaderCodec {
    /// 2 adds libtest's test descriptors; 1 (without them) still reads.
    static let format: UInt8 = 2

    struct Header {
        var sourceFilename: String
        var files: [String]
        var globals: [String: UInt64]
        var testDescriptors: [TestDescriptor]
    }

    static func encode(_ module: ModuleFingerprint) -> [UInt8] {
        var w = BlobWriter(capacity: 256)
        w.u8(format)
        w.string(module.sourceFilename)
        w.varint(module.files.count)
        module.files.forEach { w.string($0) }
        w.varint(module.globals.count)
        for (name, hash) in module.globals.sorted(by: { $0.key < $1.key }) {
            w.string(name)
            w.u64(hash)
        }
        w.varint(module.testDescriptors.count)
        for descriptor in module.testDescriptors {
            w.u64(descriptor.digest)
            w.varint(descriptor.strings.count)
            descriptor.strings.forEach { w.string($0) }
        }
        return w.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws(BlobError) -> Header {
        var r = BlobReader(bytes)
        let version = try r.u8()
        guard version == 1 || version == format else {
            throw BlobError(description: "module blob format \(version), expected at most \(format)")
        }
        let source = try r.string()
        let fileCount = try r.count()
        var files: [String] = []
        files.reserveCapacity(fileCount)
        for _ in 0..<fileCount { files.append(try r.string()) }
        let globalCount = try r.count()
        var globals: [String: UInt64] = [:]
        globals.reserveCapacity(globalCount)
        for _ in 0..<globalCount {
            let name = try r.string()
            globals[name] = try r.u64()
        }
        var descriptors: [TestDescriptor] = []
        if version >= 2 {
            for _ in 0..<(try r.count()) {
                let digest = try r.u64()
                var strings: [String] = []
                for _ in 0..<(try r.count()) { strings.append(try r.string()) }
                descriptors.append(TestDescriptor(digest: digest, strings: strings))
            }
        }
        try r.finish("module header")
        return Header(sourceFilename: source, files: files, globals: globals, testDescriptors: descriptors)
    }
}

/// A test's hits: `u8 1`, count, then per function its `hit_symbol` id, the
/// block count and the block indices, all varints.
enum HitsCodec {
    static let format: UInt8 = 1

    static func encode(_ hits: [(symbol: Int64, blocks: [UInt32])]) -> [UInt8] {
        var w = BlobWriter(capacity: 2 + hits.count * 8)
        w.u8(format)
        w.varint(hits.count)
        for hit in hits {
            w.varint(UInt64(hit.symbol))
            w.varint(hit.blocks.count)
            hit.blocks.forEach { w.varint($0) }
        }
        return w.bytes
    }

    /// Calls `body` with each function's symbol id and its blocks.
    static func decode(_ bytes: UnsafeRawBufferPointer,
                       _ body: (Int64, [UInt32]) throws(BlobError) -> Void) throws(BlobError) {
        var r = BlobReader(bytes)
        let version = try r.u8()
        guard version == format else { throw BlobError(description: "hits blob format \(version), expected \(format)") }
        let count = try r.count()
        for _ in 0..<count {
            let symbol = try r.varint()
            guard symbol <= UInt64(Int64.max) else { throw BlobError(description: "hits: symbol id out of range") }
            let blockCount = try r.count()
            var blocks: [UInt32] = []
            blocks.reserveCapacity(blockCount)
            for _ in 0..<blockCount { blocks.append(try r.u32()) }
            try body(Int64(symbol), blocks)
        }
        try r.finish("hits")
    }
}

extension Row {
    /// The bytes of a BLOB column, without copying; NULL is a damaged row.
    func withBlob<T>(at index: Int, _ what: @autoclosure () -> String,
                     _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        try withUnsafeData(atIndex: index) { data in
            guard let data else { throw BlobError(description: "\(what()) is NULL") }
            return try data.withUnsafeBytes(body)
        }
    }
}
