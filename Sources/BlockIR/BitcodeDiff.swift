/// The difference between two builds, as a value: which functions and blocks
/// changed. Printers turn it into text; selection reads it directly.
public struct BitcodeDiff: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case changed, added, removed }

    public struct BlockChange: Sendable, Equatable {
        /// Index of the block in its function's layout (new build; old build when removed).
        public var index: Int
        public var status: Status
        public var file: String?
        public var line: Int
    }

    public struct FunctionChange: Sendable, Equatable {
        public var symbol: String
        public var name: String
        public var status: Status
        public var file: String?
        public var line: Int
        public var blocks: [BlockChange]
        /// The module (file name) the function lives in, for directory diffs.
        public var module: String
    }

    public struct ModuleChange: Sendable, Equatable {
        public var path: String
        public var status: Status
    }

    public var functions: [FunctionChange]
    public var modules: [ModuleChange]

    public init(functions: [FunctionChange] = [], modules: [ModuleChange] = []) {
        self.functions = functions
        self.modules = modules
    }

    public var isEmpty: Bool { functions.isEmpty && modules.isEmpty }

    public struct Summary: Sendable, Equatable {
        public var functionsChanged = 0, functionsAdded = 0, functionsRemoved = 0, blocksChanged = 0
    }

    public var summary: Summary {
        var s = Summary()
        for f in functions {
            switch f.status {
            case .changed:
                s.functionsChanged += 1
                s.blocksChanged += f.blocks.count
            case .added: s.functionsAdded += 1
            case .removed: s.functionsRemoved += 1
            }
        }
        return s
    }
}
