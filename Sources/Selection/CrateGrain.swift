import TrimModel

/// Tests without block coverage (doctests) are selected per crate: their
/// recorded "coverage" is one entry naming the digest of everything they can
/// reach, and any difference from the digest now selects them.
public enum CrateGrain {
    /// The module name of that entry; no bitcode module is called this.
    public static let module = "<crate>"

    public static func hit(digest: String) -> HitFunction {
        HitFunction(module: module, symbol: digest, blocks: [])
    }

    static func reasons(recorded hits: [HitFunction], current digest: String) -> [Reason] {
        guard let recorded = hits.first(where: { $0.module == module }) else {
            return [Reason(.noCoverage, detail: "no crate digest was recorded for it")]
        }
        guard recorded.symbol != digest else { return [] }
        return [Reason(.crateChanged,
                       detail: "its crate, a workspace crate it depends on, or its doc comment changed (doctests: crate grain)")]
    }
}
