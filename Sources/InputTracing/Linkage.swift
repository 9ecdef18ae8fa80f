import Foundation

/// How an executable is linked, as far as `LD_PRELOAD` is concerned: only a
/// program started through a dynamic loader (`PT_INTERP`) can be preloaded
/// into. Static and static-pie executables have no interpreter.
public enum Linkage: Hashable, Sendable {
    /// Started by `interpreter` (e.g. `/lib64/ld-linux-x86-64.so.2`); `needed`: its `DT_NEEDED` libraries.
    case dynamic(interpreter: String, needed: [String])
    case `static`
    /// Not an ELF file (a script, or something else).
    case notELF
}

extension InputTracer {
    /// Reads `path`'s ELF program headers (32- or 64-bit, either byte order).
    public static func linkage(of path: String) throws(InputTracingError) -> Linkage {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .unreadableExecutable(path: path, reason: (error as NSError).localizedDescription)
        }
        return try ELFHeaders(data: data, path: path).linkage()
    }
}

/// Just enough of ELF to find `PT_INTERP` and `DT_NEEDED`.
struct ELFHeaders {
    let data: Data
    let path: String

    private var is64 = true
    private var little = true

    init(data: Data, path: String) {
        self.data = data
        self.path = path
    }

    func linkage() throws(InputTracingError) -> Linkage {
        guard data.count >= 16, data.prefix(4).elementsEqual([0x7F, 0x45, 0x4C, 0x46]) else { return .notELF }
        var reader = self
        switch data[data.startIndex + 4] {
        case 1: reader.is64 = false
        case 2: reader.is64 = true
        default: throw .unreadableExecutable(path: path, reason: "unknown ELF class \(data[data.startIndex + 4])")
        }
        switch data[data.startIndex + 5] {
        case 1: reader.little = true
        case 2: reader.little = false
        default: throw .unreadableExecutable(path: path, reason: "unknown ELF byte order")
        }
        return try reader.read()
    }

    private func read() throws(InputTracingError) -> Linkage {
        let phoff = try word(at: is64 ? 32 : 28)
        let phentsize = try Int(integer(at: is64 ? 54 : 42, size: 2))
        let phnum = try Int(integer(at: is64 ? 56 : 44, size: 2))
        var interpreter: String?
        var dynamic: (offset: UInt64, size: UInt64)?
        var loads: [(vaddr: UInt64, offset: UInt64, size: UInt64)] = []
        for index in 0..<phnum {
            let base = phoff + UInt64(index * phentsize)
            let type = try integer(at: base, size: 4)
            let offset = try word(at: base + (is64 ? 8 : 4))
            let vaddr = try word(at: base + (is64 ? 16 : 8))
            let fileSize = try word(at: base + (is64 ? 32 : 16))
            switch type {
            case 1: loads.append((vaddr, offset, fileSize))  // PT_LOAD
            case 2: dynamic = (offset, fileSize)  // PT_DYNAMIC
            case 3:  // PT_INTERP
                let bytes = try slice(at: offset, count: fileSize)
                interpreter = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            default: break
            }
        }
        guard let interpreter else { return .static }
        return .dynamic(interpreter: interpreter, needed: (try? needed(dynamic, loads)) ?? [])
    }

    /// `DT_NEEDED` names, through `DT_STRTAB` mapped back to a file offset.
    private func needed(
        _ dynamic: (offset: UInt64, size: UInt64)?,
        _ loads: [(vaddr: UInt64, offset: UInt64, size: UInt64)]
    ) throws(InputTracingError) -> [String] {
        guard let dynamic else { return [] }
        let entry: UInt64 = is64 ? 16 : 8
        var neededOffsets: [UInt64] = []
        var stringTable: UInt64?
        var at = dynamic.offset
        while at + entry <= dynamic.offset + dynamic.size {
            let tag = try word(at: at)
            let value = try word(at: at + entry / 2)
            if tag == 0 { break }
            if tag == 1 { neededOffsets.append(value) }
            if tag == 5 { stringTable = value }
            at += entry
        }
        guard let stringTable,
            let load = loads.first(where: { stringTable >= $0.vaddr && stringTable < $0.vaddr + $0.size })
        else { return [] }
        let tableOffset = stringTable - load.vaddr + load.offset
        return try neededOffsets.map { (offset) throws(InputTracingError) -> String in
            var end = tableOffset + offset
            let start = end
            while try integer(at: end, size: 1) != 0 { end += 1 }
            return String(decoding: try slice(at: start, count: end - start), as: UTF8.self)
        }
    }

    private func word(at offset: UInt64) throws(InputTracingError) -> UInt64 {
        try integer(at: offset, size: is64 ? 8 : 4)
    }

    private func integer(at offset: UInt64, size: Int) throws(InputTracingError) -> UInt64 {
        let bytes = try slice(at: offset, count: UInt64(size))
        var value: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            let shift = little ? index * 8 : (size - 1 - index) * 8
            value |= UInt64(byte) << UInt64(shift)
        }
        return value
    }

    private func slice(at offset: UInt64, count: UInt64) throws(InputTracingError) -> Data {
        guard offset <= UInt64(data.count), count <= UInt64(data.count) - offset else {
            throw .unreadableExecutable(path: path, reason: "damaged ELF file: a header points past its end")
        }
        let start = data.startIndex + Int(offset)
        return data[start..<start + Int(count)]
    }
}
