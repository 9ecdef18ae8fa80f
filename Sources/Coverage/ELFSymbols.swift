import Foundation

/// One function symbol of an ELF `.symtab`.
public struct ELFSymbol: Sendable, Hashable {
    public enum Binding: Sendable, Hashable {
        case local, global, weak, other(UInt8)
    }

    public var name: String
    /// Link-time address (`st_value`).
    public var value: UInt64
    public var size: UInt64
    public var binding: Binding
    /// For a local symbol, the name of the `STT_FILE` symbol that precedes it
    /// (for rustc objects: the module's `source_filename`, the CGU name
    /// `<crate>.<hash>-cgu.<n>`); nil for global symbols and for locals that
    /// no `STT_FILE` precedes.
    public var file: String?

    public var isLocal: Bool { binding == .local }

    public init(name: String, value: UInt64, size: UInt64, binding: Binding, file: String?) {
        self.name = name
        self.value = value
        self.size = size
        self.binding = binding
        self.file = file
    }
}

/// The defined function symbols of a 64-bit little-endian ELF file.
public struct ELFSymbols: Sendable {
    public var path: String
    /// In `.symtab` order.
    public var functions: [ELFSymbol]
    /// The first function at each address; the rare aliases after it apart,
    /// so that most addresses cost no array of their own.
    private var firstAt: [UInt64: Int]
    private var aliasesAt: [UInt64: [Int]]

    public init(path: String, functions: [ELFSymbol]) {
        self.path = path
        self.functions = functions
        var first: [UInt64: Int] = [:], aliases: [UInt64: [Int]] = [:]
        first.reserveCapacity(functions.count)
        for i in functions.indices {
            if first[functions[i].value] == nil {
                first[functions[i].value] = i
            } else {
                aliases[functions[i].value, default: []].append(i)
            }
        }
        (firstAt, aliasesAt) = (first, aliases)
    }

    /// Function symbols whose address is exactly `address` (aliases included).
    public func functions(at address: UInt64) -> [ELFSymbol] {
        var found: [ELFSymbol] = []
        forEachFunction(at: address) { found.append(functions[$0]) }
        return found
    }

    /// The indices in `functions` of the symbols at `address`, in `.symtab`
    /// order, without copying the symbols out.
    public func forEachFunction(at address: UInt64, _ body: (Int) throws -> Void) rethrows {
        guard let first = firstAt[address] else { return }
        try body(first)
        for alias in aliasesAt[address] ?? [] { try body(alias) }
    }

    public static func read(executable url: URL) throws(CoverageError) -> ELFSymbols {
        try parse(readFile(url), path: url.path)
    }

    static let sectionHeaderSize = 64
    static let symbolSize = 24

    public static func parse(_ data: Data, path: String) throws(CoverageError) -> ELFSymbols {
        try data.withByteView { view throws(CoverageError) in
            guard view.matches("\u{7F}ELF") else {
                if view.count < 4, view.matches(String("\u{7F}ELF".prefix(view.count))), view.count > 0 {
                    throw .damagedELF(path: path, reason: "\(view.count) bytes, shorter than an ELF header")
                }
                throw .notELF(path: path)
            }
            guard let elfClass = view.u8(4), let encoding = view.u8(5) else {
                throw .damagedELF(path: path, reason: "shorter than an ELF header")
            }
            guard elfClass == 2 else { throw .unsupportedELF(path: path, reason: "ELF class \(elfClass), not 64-bit") }
            guard encoding == 1 else { throw .unsupportedELF(path: path, reason: "not little-endian") }
            guard view.count >= 64, let shoff = view.u64(0x28), let shentsize = view.u16(0x3A),
                var shnum = view.u16(0x3C).map(UInt64.init)
            else { throw .damagedELF(path: path, reason: "\(view.count) bytes, shorter than an ELF header") }
            if shoff == 0 { throw .noSymbolTable(path: path) }
            guard Int(shentsize) == sectionHeaderSize else {
                throw .damagedELF(path: path, reason: "section header size \(shentsize), expected 64")
            }
            guard view.contains(shoff, UInt64(sectionHeaderSize)) else {
                throw .damagedELF(path: path, reason: "section headers at \(shoff) lie outside the file (\(view.count) bytes)")
            }
            if shnum == 0 { shnum = view.u64(Int(shoff) + 32)! }  // extended numbering: count in section 0's sh_size
            guard shnum <= UInt64(view.count) / UInt64(sectionHeaderSize),
                view.contains(shoff, shnum * UInt64(sectionHeaderSize))
            else {
                throw .damagedELF(path: path, reason: "\(shnum) section headers at \(shoff) lie outside the file")
            }
            func section(_ index: Int) -> (type: UInt32, offset: UInt64, size: UInt64, link: UInt32, info: UInt32, entsize: UInt64) {
                let at = Int(shoff) + index * sectionHeaderSize
                return (view.u32(at + 4)!, view.u64(at + 24)!, view.u64(at + 32)!, view.u32(at + 40)!,
                        view.u32(at + 44)!, view.u64(at + 56)!)
            }
            guard let symtabIndex = (0..<Int(shnum)).first(where: { section($0).type == 2 }) else {
                throw .noSymbolTable(path: path)
            }
            let symtab = section(symtabIndex)
            guard symtab.entsize == UInt64(symbolSize) else {
                throw .damagedELF(path: path, reason: ".symtab entry size \(symtab.entsize), expected 24")
            }
            guard view.contains(symtab.offset, symtab.size), symtab.size % UInt64(symbolSize) == 0 else {
                throw .damagedELF(path: path, reason: ".symtab (\(symtab.size) bytes at \(symtab.offset)) "
                    + "lies outside the file (\(view.count) bytes)")
            }
            guard UInt64(symtab.link) < shnum else {
                throw .damagedELF(path: path, reason: ".symtab links to section \(symtab.link) of \(shnum)")
            }
            let strtab = section(Int(symtab.link))
            guard strtab.type == 3, view.contains(strtab.offset, strtab.size) else {
                throw .damagedELF(path: path, reason: "the .symtab string table is missing or lies outside the file")
            }
            let stringStart = Int(strtab.offset), stringEnd = Int(strtab.offset + strtab.size)
            func name(_ offset: UInt32, of index: Int) throws(CoverageError) -> String {
                guard let text = view.cString(stringStart + Int(offset), limit: stringEnd) else {
                    throw .damagedELF(path: path, reason: "symbol \(index) has a name outside its string table")
                }
                return text
            }

            let count = Int(symtab.size) / symbolSize
            let firstGlobal = Int(symtab.info)
            var functions: [ELFSymbol] = []
            var currentFile: String?
            for index in 1..<max(count, 1) {
                let at = Int(symtab.offset) + index * symbolSize
                let info = view.bytes[at + 4]
                let type = info & 0xF, bind = info >> 4
                let sectionIndex = view.u16(at + 6)!
                if type == 4 {  // STT_FILE
                    currentFile = try name(view.u32(at)!, of: index)
                    continue
                }
                guard type == 2, sectionIndex != 0 else { continue }  // defined STT_FUNC only
                let binding: ELFSymbol.Binding
                switch bind {
                case 0: binding = .local
                case 1: binding = .global
                case 2: binding = .weak
                default: binding = .other(bind)
                }
                // Locals come first (before sh_info), grouped after their file's STT_FILE.
                let file = binding == .local && index < firstGlobal ? currentFile : nil
                functions.append(ELFSymbol(
                    name: try name(view.u32(at)!, of: index), value: view.u64(at + 8)!, size: view.u64(at + 16)!,
                    binding: binding, file: file))
            }
            return ELFSymbols(path: path, functions: functions)
        }
    }
}
