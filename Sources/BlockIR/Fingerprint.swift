/// One basic block, reduced to what decides whether its behaviour changed.
public struct BlockFingerprint: Sendable, Hashable {
    /// Normalised hash of the block's instructions (successor identities excluded).
    public var hash: UInt64
    /// Successor blocks, as indices into the function's `blocks`, in terminator order.
    public var successors: [UInt32]
    /// Index into `ModuleFingerprint.files` of the block's first source location.
    public var file: UInt32?
    /// First source line of the block, 0 when unknown.
    public var line: UInt32
    public var instructionCount: UInt32
    /// What the block uses whose content its hash cannot hold: globals defined
    /// in another module, and callees coverage cannot see (functions whose
    /// entry block ends in `unreachable` get no SanitizerCoverage slots), here
    /// or declared here. Their content is compared through the
    /// `ModuleFingerprint.globals` of the modules that define them.
    public var externalGlobals: [String]
    /// As read from one codegen unit: the functions with a crate hash the
    /// block names, in order, whose identity `hash` does not hold yet (only
    /// their symbols without the hash). `CrateModule` folds them in, knowing
    /// every unit of the crate, and leaves this empty, except in blocks that
    /// name a function the crate only declares: there they become tokens
    /// (`ReferenceFold.Token`) that `CrossCrateFold` folds across the build.
    public var references: [String]

    public init(hash: UInt64, successors: [UInt32], file: UInt32?, line: UInt32,
                instructionCount: UInt32, externalGlobals: [String], references: [String] = []) {
        self.hash = hash
        self.successors = successors
        self.file = file
        self.line = line
        self.instructionCount = instructionCount
        self.externalGlobals = externalGlobals
        self.references = references
    }
}

/// One defined function: its blocks in layout order (entry first).
public struct FunctionFingerprint: Sendable, Hashable {
    public var symbol: String
    /// LLVM's demangling of `symbol` (Rust legacy `$LT$`-style escapes still in).
    public var demangled: String
    public var file: String?
    public var line: UInt32
    /// True for libtest's generated `main`, which embeds every test's line number.
    public var isTestHarnessMain: Bool
    public var blocks: [BlockFingerprint]
    /// SanitizerCoverage slots of the function, in order: slot k covers block
    /// `coverageBlocks[k]` (a layout index). Empty when not instrumented.
    public var coverageBlocks: [UInt32]
    /// As read from one codegen unit: a hash of the debug-info name (a generic
    /// instance's type arguments are in it), which tells apart functions whose
    /// symbols differ only in the hash (kept in a crate module: a caller in
    /// another crate names it by it). 0 in a recorded build.
    public var nameHash: UInt64

    public init(symbol: String, demangled: String, file: String?, line: UInt32,
                isTestHarnessMain: Bool, blocks: [BlockFingerprint], coverageBlocks: [UInt32] = [],
                nameHash: UInt64 = 0) {
        self.symbol = symbol
        self.demangled = demangled
        self.file = file
        self.line = line
        self.isTestHarnessMain = isTestHarnessMain
        self.blocks = blocks
        self.coverageBlocks = coverageBlocks
        self.nameHash = nameHash
    }
}

/// One libtest test descriptor: a `#[test]` and its attributes.
public struct TestDescriptor: Sendable, Hashable {
    /// Its content with the source position masked (`#[should_panic]`,
    /// `#[ignore]`, expected messages count; moving the test does not).
    public var digest: UInt64
    /// The strings it points at: the test's name, file, messages.
    public var strings: [String]
    /// The functions it points at (the test's body), folded into `digest` by
    /// `CrateModule` like a block's `references`.
    public var references: [String]

    public init(digest: UInt64, strings: [String], references: [String] = []) {
        self.digest = digest
        self.strings = strings
        self.references = references
    }
}

/// Everything trim keeps of one bitcode module.
public struct ModuleFingerprint: Sendable, Hashable {
    /// The module's `source_filename`: for rustc the codegen unit's name
    /// (`ledger.f9fb3a49e6d55c25-cgu.0`, also the `STT_FILE` of its local
    /// symbols in the linked binary), for clang the .c file.
    public var sourceFilename: String
    /// Source file names referenced by blocks.
    public var files: [String]
    public var functions: [FunctionFingerprint]
    /// Content hashes, by symbol, of the globals defined here with external
    /// linkage and of the functions defined here that coverage cannot see.
    public var globals: [String: UInt64]
    /// libtest's descriptors of the tests defined here (test harness modules only).
    public var testDescriptors: [TestDescriptor]
    /// As read from one codegen unit: for globals whose initializer names
    /// functions with a crate hash, those symbols, folded into `globals` by
    /// `CrateModule` like a block's `references`.
    public var globalReferences: [String: [String]]

    public init(sourceFilename: String, files: [String], functions: [FunctionFingerprint],
                globals: [String: UInt64], testDescriptors: [TestDescriptor] = [],
                globalReferences: [String: [String]] = [:]) {
        self.sourceFilename = sourceFilename
        self.files = files
        self.functions = functions
        self.globals = globals
        self.testDescriptors = testDescriptors
        self.globalReferences = globalReferences
    }

    /// The digest of the descriptor of the test named `name`: the descriptor
    /// that points at exactly that string. Several match (a name that is also
    /// another test's message): their sum, so any change shows. Nil: none.
    public func descriptorDigest(ofTest name: String) -> UInt64? {
        let matches = testDescriptors.filter { $0.strings.contains(name) }
        guard !matches.isEmpty else { return nil }
        return matches.reduce(0) { $0 &+ $1.digest }
    }

    /// `descriptorDigest(ofTest:)` for every name at once: each string a
    /// descriptor points at → the sum of the digests of the descriptors
    /// pointing at it. One pass over the descriptors, for looking up many tests.
    public func descriptorDigestsByString() -> [String: UInt64] {
        var digests: [String: UInt64] = [:]
        digests.reserveCapacity(testDescriptors.count)
        for descriptor in testDescriptors {
            let strings = descriptor.strings
            // Each descriptor counts once per string it points at, however often.
            for (i, string) in strings.enumerated() where !strings[..<i].contains(string) {
                digests[string, default: 0] &+= descriptor.digest
            }
        }
        return digests
    }

    public func fileName(of block: BlockFingerprint) -> String? {
        guard let index = block.file, Int(index) < files.count else { return nil }
        return files[Int(index)]
    }
}
