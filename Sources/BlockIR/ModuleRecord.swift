/// One bitcode module of a build: its key, the hash of its bytes and its fingerprint.
public struct ModuleRecord: Hashable, Sendable {
    /// The module's key within a build, e.g. the crate's `.bc` file name. Unique per build.
    public var path: String
    /// Hash of the `.bc` file's bytes (`BitcodeFile.contentHash`).
    public var contentHash: String
    public var fingerprint: ModuleFingerprint

    public init(path: String, contentHash: String, fingerprint: ModuleFingerprint) {
        self.path = path
        self.contentHash = contentHash
        self.fingerprint = fingerprint
    }
}
