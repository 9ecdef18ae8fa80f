import BlockIR
import TrimModel

/// What each function a test binary's slots map to (a function of one codegen
/// unit) is in the store: a function of its crate's merged module. Copies of
/// one function in several units are one function there, with the union of
/// their blocks; a copy the crate module folded into another (see
/// `CrateModule`) counts as every block of the kept one. Worked out once per
/// binary, so that each test's hits are merged by number, without a string
/// hashed or compared.
struct CrateNumbering: Sendable {
    /// One function of the slot mapper, in its numbering.
    struct UnitFunction: Sendable {
        var unit: String
        var symbol: String
        /// Its blocks that carry no slot: executed whenever it is.
        var blocksWithoutSlot: [UInt32]
    }

    /// Per unit function: its crate function's number. Numbers follow
    /// (module, symbol) order, the order hits are recorded in.
    private let numberOf: [Int32]
    /// Per unit function: the blocks counted as executed whenever it runs at
    /// all, and whether those are all of them (a folded copy: its own slots
    /// name blocks of another layout).
    private let executedWithIt: [[UInt32]]
    private let isFolded: [Bool]
    /// Per number: the crate module's key and the symbol.
    private let names: [(module: String, symbol: String)]

    /// `crateOfUnit`: a unit's `sourceFilename` → its crate module's key (a
    /// unit of no crate stands for itself). `folded`: the crates' folded copies.
    init(_ functions: [UnitFunction], crateOfUnit: [String: String], folded: [CrateModule.UnitFunction: Int]) {
        let modules = functions.map { crateOfUnit[$0.unit] ?? $0.unit }
        let rankOf = Dictionary(uniqueKeysWithValues: Set(modules).sorted().enumerated().map { ($1, $0) })
        let ranks = modules.map { rankOf[$0]! }  // looked up once, not in every comparison
        // The symbols apart: compared through a buffer, not copied out of
        // their functions (a retain and a release of each field per comparison).
        let symbols = functions.map(\.symbol)
        let order = symbols.withUnsafeBufferPointer { symbols in
            functions.indices.sorted { ranks[$0] != ranks[$1] ? ranks[$0] < ranks[$1] : symbols[$0] < symbols[$1] }
        }
        var numberOf = [Int32](repeating: 0, count: functions.count)
        var names: [(module: String, symbol: String)] = []
        var lastRank = -1
        for f in order {
            if names.isEmpty || ranks[f] != lastRank || names[names.count - 1].symbol != functions[f].symbol {
                names.append((modules[f], functions[f].symbol))
                lastRank = ranks[f]
            }
            numberOf[f] = Int32(names.count - 1)
        }
        var executedWithIt: [[UInt32]] = [], isFolded: [Bool] = []
        for function in functions {
            let kept = folded.isEmpty ? nil : folded[CrateModule.UnitFunction(unit: function.unit, symbol: function.symbol)]
            executedWithIt.append(kept.map { Array(0..<UInt32($0)) } ?? function.blocksWithoutSlot)
            isFolded.append(kept != nil)
        }
        self.numberOf = numberOf
        self.executedWithIt = executedWithIt
        self.isFolded = isFolded
        self.names = names
    }

    /// A test's executed (unit function, block) pairs as its crate modules'
    /// functions, in (module, symbol) order, each with its blocks ascending
    /// and once.
    func hits(_ executed: [(function: Int, block: UInt32)]) -> [HitFunction] {
        // (number << 32 | block), sorted as plain integers. The tables are
        // read through buffers: the maps are shared between threads, and a
        // retain of a shared array per hit cost more than the rest.
        var pairs: [UInt64] = []
        pairs.reserveCapacity(executed.count)
        var met = [Bool](repeating: false, count: numberOf.count)
        numberOf.withUnsafeBufferPointer { numberOf in
            isFolded.withUnsafeBufferPointer { isFolded in
                executedWithIt.withUnsafeBufferPointer { executedWithIt in
                    for (function, block) in executed {
                        let number = UInt64(numberOf[function]) << 32
                        if !met[function] {
                            met[function] = true
                            for always in executedWithIt[function] { pairs.append(number | UInt64(always)) }
                        }
                        if !isFolded[function] { pairs.append(number | UInt64(block)) }
                    }
                }
            }
        }
        pairs.sort()
        var functions: [HitFunction] = []
        var i = 0
        while i < pairs.count {
            let number = pairs[i] >> 32
            var blocks: [UInt32] = []
            while i < pairs.count, pairs[i] >> 32 == number {
                let block = UInt32(truncatingIfNeeded: pairs[i])
                if blocks.last != block { blocks.append(block) }
                i += 1
            }
            let name = names[Int(number)]
            functions.append(HitFunction(module: name.module, symbol: name.symbol, blocks: blocks))
        }
        return functions
    }
}
