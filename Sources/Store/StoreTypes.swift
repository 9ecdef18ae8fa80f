/// Row counts, for `trim` diagnostics and tests.
public struct StoreStatistics: Hashable, Sendable {
    public var builds: Int
    public var buildModules: Int
    public var modules: Int
    public var moduleFunctions: Int
    public var functions: Int
    public var testBinaries: Int
    public var tests: Int
    public var results: Int
    public var hitSymbols: Int

    public init(builds: Int, buildModules: Int, modules: Int, moduleFunctions: Int, functions: Int,
                testBinaries: Int, tests: Int, results: Int, hitSymbols: Int) {
        self.builds = builds
        self.buildModules = buildModules
        self.modules = modules
        self.moduleFunctions = moduleFunctions
        self.functions = functions
        self.testBinaries = testBinaries
        self.tests = tests
        self.results = results
        self.hitSymbols = hitSymbols
    }
}

/// What `collectGarbage()` removed.
public struct GarbageReport: Hashable, Sendable {
    public var builds: Int
    public var modules: Int
    public var functions: Int
    public var hitSymbols: Int

    public init(builds: Int, modules: Int, functions: Int, hitSymbols: Int) {
        self.builds = builds
        self.modules = modules
        self.functions = functions
        self.hitSymbols = hitSymbols
    }
}
