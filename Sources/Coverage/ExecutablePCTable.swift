import Foundation

/// The PC table the runtime would write for an executable, read from the
/// executable's own `__sancov_pcs` section before it has ever run: a map
/// can then be made while the executable still lists its tests.
///
/// Only where the file alone says all the runtime would: a 64-bit
/// little-endian position-dependent executable (`ET_EXEC`: its addresses are
/// final, loaded without a bias) whose shared libraries are all of the C
/// and C++ runtime (no instrumented one can add slots), with as many PC
/// entries as guards. Anything else: nil, and the runtime's table is the
/// only one. A caller still compares it with the runtime's once that exists.
public enum ExecutablePCTable {
    /// Libraries no instrumented code comes from.
    static let runtimeLibraries: Set<String> = [
        "libc.so.6", "libm.so.6", "libgcc_s.so.1", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1",
        "libstdc++.so.6", "ld-linux-x86-64.so.2",
    ]

    public static func read(executable url: URL) -> PCTable? {
        guard let data = try? readFile(url) else { return nil }
        return try? data.withByteView { view throws(CoverageError) -> PCTable? in parse(view, path: url.path) }
    }

    static func parse(_ view: ByteView, path: String) -> PCTable? {
        guard view.matches("\u{7F}ELF"), view.u8(4) == 2, view.u8(5) == 1, view.u16(16) == 2,  // ET_EXEC
            let shoff = view.u64(0x28), view.u16(0x3A) == 64, let shnum = view.u16(0x3C).map(Int.init),
            let names = view.u16(0x3E).map(Int.init), shnum > 0, names < shnum,
            view.contains(Int(clamping: shoff), shnum * 64)
        else { return nil }
        struct Section {
            var name: UInt32, type: UInt32, offset: Int, size: Int, link: Int
        }
        var sections: [Section] = []
        for index in 0..<shnum {
            let at = Int(shoff) + index * 64
            guard let name = view.u32(at), let type = view.u32(at + 4), let offset = view.u64(at + 24),
                var size = view.u64(at + 32), let link = view.u32(at + 40)
            else { return nil }
            if type == 8 { size = 0 }  // SHT_NOBITS: no bytes in the file, whatever its size in memory
            guard view.contains(offset, size) else { return nil }
            sections.append(Section(name: name, type: type, offset: Int(offset), size: Int(size), link: Int(link)))
        }
        let nameTable = sections[names]
        func named(_ wanted: String) -> Section? {
            sections.first { view.cString(nameTable.offset + Int($0.name), limit: nameTable.offset + nameTable.size) == wanted }
        }
        guard let pcs = named("__sancov_pcs"), let guards = named("__sancov_guards"), pcs.type == 1,
            pcs.size % 16 == 0, guards.size % 4 == 0, pcs.size / 16 == guards.size / 4, pcs.size > 0,
            neededLibrariesAreRuntime(view, sections.map { ($0.type, $0.offset, $0.size, $0.link) })
        else { return nil }
        let count = pcs.size / 16
        var entries: [PCTable.Entry] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            let at = pcs.offset + index * 16
            entries.append(PCTable.Entry(address: view.u64(at)!, isFunctionEntry: view.u64(at + 8)! & 1 != 0))
        }
        return PCTable(path: path, entries: entries,
                       ranges: [PCTable.Range(firstSlot: 0, slotCount: UInt32(count), loadBias: 0, object: nil)])
    }

    /// Whether every `DT_NEEDED` of the dynamic section names a runtime library.
    private static func neededLibrariesAreRuntime(_ view: ByteView, _ sections: [(type: UInt32, offset: Int, size: Int, link: Int)])
        -> Bool
    {
        guard let dynamic = sections.first(where: { $0.type == 6 }) else { return true }  // SHT_DYNAMIC
        guard dynamic.link < sections.count else { return false }
        let strings = sections[dynamic.link]
        var at = dynamic.offset
        while at + 16 <= dynamic.offset + dynamic.size {
            guard let tag = view.u64(at), let value = view.u64(at + 8) else { return false }
            if tag == 0 { break }  // DT_NULL
            if tag == 1 {  // DT_NEEDED
                guard value < UInt64(strings.size),
                    let name = view.cString(strings.offset + Int(value), limit: strings.offset + strings.size),
                    runtimeLibraries.contains(name)
                else { return false }
            }
            at += 16
        }
        return true
    }
}
