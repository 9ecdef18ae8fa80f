/// What mapping coverage slots to blocks needs of one codegen unit: its
/// `source_filename` and, per function, its symbol, block count and slot →
/// block table. A small part of the unit's fingerprint, kept on its own so
/// that a test binary's coverage map need not decode every unit of a crate
/// that did not change.
public struct UnitLayout: Sendable, Hashable {
    public struct Function: Sendable, Hashable {
        public var symbol: String
        public var blockCount: Int
        /// Slot `k` of the function is block `coverageBlocks[k]` (`FunctionFingerprint.coverageBlocks`).
        public var coverageBlocks: [UInt32]

        public init(symbol: String, blockCount: Int, coverageBlocks: [UInt32]) {
            self.symbol = symbol
            self.blockCount = blockCount
            self.coverageBlocks = coverageBlocks
        }
    }

    public var sourceFilename: String
    public var functions: [Function]

    public init(sourceFilename: String, functions: [Function]) {
        self.sourceFilename = sourceFilename
        self.functions = functions
    }

    public init(_ unit: ModuleFingerprint) {
        sourceFilename = unit.sourceFilename
        functions = unit.functions.indices.map { i in
            Function(symbol: unit.functions[i].symbol, blockCount: unit.functions[i].blocks.count,
                     coverageBlocks: unit.functions[i].coverageBlocks)
        }
    }

    static let magic: [UInt8] = Array("TRIMUL01".utf8)

    public static func encode(_ layouts: [UnitLayout]) -> [UInt8] {
        var w = ByteWriter()
        w.bytes(magic)
        w.u32(UInt32(layouts.count))
        for layout in layouts {
            w.string(layout.sourceFilename)
            w.u32(UInt32(layout.functions.count))
            for function in layout.functions {
                w.string(function.symbol)
                w.u32(UInt32(function.blockCount))
                w.u32(UInt32(function.coverageBlocks.count))
                for block in function.coverageBlocks { w.u32(block) }
            }
        }
        return w.finish()
    }

    public static func decode(_ raw: UnsafeRawBufferPointer) throws -> [UnitLayout] {
        var r = ByteReader(raw)
        guard try r.bytes(magic.count) == magic else {
            throw FingerprintCodec.DecodingError(description: "bad magic")
        }
        let layouts = try (0..<r.count()).map { _ in
            let name = try r.string()
            let functions = try (0..<r.count()).map { _ in
                let symbol = try r.string()
                let blockCount = Int(try r.u32())
                let slots = try (0..<r.count()).map { _ in try r.u32() }
                return Function(symbol: symbol, blockCount: blockCount, coverageBlocks: slots)
            }
            return UnitLayout(sourceFilename: name, functions: functions)
        }
        guard r.atEnd else { throw FingerprintCodec.DecodingError(description: "trailing bytes") }
        return layouts
    }
}
