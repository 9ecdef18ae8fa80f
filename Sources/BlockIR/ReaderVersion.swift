import CContentHash

/// The reader's versions, which content-keyed cache entries name besides the bytes.
public enum ReaderVersion {
    /// The LLVM version of the headers trim was built against, e.g. "22.1.8":
    /// known without loading libLLVM. The worker, which does load it, reads
    /// only when its libLLVM is this version (`--llvm-version`), so an entry
    /// never names another LLVM than the one that made it.
    public static let llvm: String = String(cString: trim_llvm_build_version())
}
