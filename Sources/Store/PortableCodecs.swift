import BlockIR
import Foundation
import TrimModel

/// Self-contained encodings for backends that keep a module or a test's hits
/// in one value (the PostgreSQL store): no ids that point into other tables.
/// Built from the same pieces as the SQLite blobs (`ModuleHeaderCodec`,
/// `StoredFunctionCodec`), so both backends read a fingerprint alike.
public enum PortableCodecs {
    /// `u8 1`, the header's length and bytes, the function count, then each
    /// function's length and `StoredFunctionCodec` bytes.
    public static func encodeModule(_ module: ModuleFingerprint) -> [UInt8] {
        let header = ModuleHeaderCodec.encode(module)
        var w = BlobWriter(capacity: header.count + module.functions.count * 64)
        w.u8(1)
        w.varint(header.count)
        w.bytes.append(contentsOf: header)
        w.varint(module.functions.count)
        for function in module.functions {
            let body = StoredFunctionCodec.encode(function, moduleFiles: module.files)
            w.varint(body.count)
            w.bytes.append(contentsOf: body)
        }
        return w.bytes
    }

    /// `detail` of the error names what did not decode.
    public static func decodeModule(_ bytes: UnsafeRawBufferPointer) throws(PortableDecodingError) -> ModuleFingerprint {
        do {
            var r = BlobReader(bytes)
            guard try r.u8() == 1 else { throw BlobError(description: "module format is not 1") }
            let headerLength = try r.count()
            let header = try ModuleHeaderCodec.decode(UnsafeRawBufferPointer(rebasing: bytes[r.offset..<r.offset + headerLength]))
            r.offset += headerLength
            var fileIndex: [String: UInt32] = [:]
            for (index, name) in header.files.enumerated() where fileIndex[name] == nil { fileIndex[name] = UInt32(index) }
            let count = try r.count()
            var functions: [FunctionFingerprint] = []
            functions.reserveCapacity(count)
            for _ in 0..<count {
                let length = try r.count()
                let slice = UnsafeRawBufferPointer(rebasing: bytes[r.offset..<r.offset + length])
                functions.append(try StoredFunctionCodec.decodeTyped(slice, fileIndex: fileIndex))
                r.offset += length
            }
            try r.finish("module")
            return ModuleFingerprint(sourceFilename: header.sourceFilename, files: header.files, functions: functions,
                                     globals: header.globals, testDescriptors: header.testDescriptors)
        } catch {
            throw PortableDecodingError(detail: "\(error)")
        }
    }

    /// `u8 1`, the distinct module names, then per function its module's
    /// index, symbol, block count and blocks (varints).
    public static func encodeHits(_ hits: [HitFunction]) -> [UInt8] {
        var modules: [String: Int] = [:]
        var names: [String] = []
        for hit in hits where modules[hit.module] == nil {
            modules[hit.module] = names.count
            names.append(hit.module)
        }
        var w = BlobWriter(capacity: 16 + hits.count * 48)
        w.u8(1)
        w.varint(names.count)
        names.forEach { w.string($0) }
        w.varint(hits.count)
        for hit in hits {
            w.varint(modules[hit.module]!)
            w.string(hit.symbol)
            w.varint(hit.blocks.count)
            hit.blocks.forEach { w.varint($0) }
        }
        return w.bytes
    }

    public static func decodeHits(_ bytes: UnsafeRawBufferPointer) throws(PortableDecodingError) -> [HitFunction] {
        do {
            var r = BlobReader(bytes)
            guard try r.u8() == 1 else { throw BlobError(description: "hits format is not 1") }
            var names: [String] = []
            for _ in 0..<(try r.count()) { names.append(try r.string()) }
            let count = try r.count()
            var hits: [HitFunction] = []
            hits.reserveCapacity(count)
            for _ in 0..<count {
                let module = Int(try r.varint())
                guard module < names.count else { throw BlobError(description: "hits name module \(module)") }
                let symbol = try r.string()
                let blockCount = try r.count()
                var blocks: [UInt32] = []
                blocks.reserveCapacity(blockCount)
                for _ in 0..<blockCount { blocks.append(try r.u32()) }
                hits.append(HitFunction(module: names[module], symbol: symbol, blocks: blocks))
            }
            try r.finish("hits")
            return hits
        } catch {
            throw PortableDecodingError(detail: "\(error)")
        }
    }

    /// A 64-bit index key of bytes (equal keys are confirmed by the bytes).
    public static func indexKey(_ bytes: [UInt8]) -> Int64 { Int64(bitPattern: IndexHash.of(bytes)) }

    /// Output capped as both stores keep it (`TrimStore.outputLimit`).
    public static func capOutput(_ output: String) -> String { TrimStore.capOutput(output) }
}

/// A stored value that does not decode (damaged, or not written by trim).
public struct PortableDecodingError: Error, CustomStringConvertible {
    public var detail: String
    public var description: String { detail }
}
