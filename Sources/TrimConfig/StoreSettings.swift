import TOMLKit

/// `[store]`: which database a workspace's runs share. `url` is what
/// `--db` and `TRIM_DB` take (both win over it); `read-only` is
/// `--db-read-only`.
public struct StoreSettings: Hashable, Sendable {
    public var url: String?
    public var readOnly = false

    public init(url: String? = nil, readOnly: Bool = false) {
        self.url = url
        self.readOnly = readOnly
    }
}

extension ConfigReader {
    static let storeKeys = ["url", "read-only"]

    func store(_ root: TOMLTable) throws(ConfigError) -> StoreSettings {
        guard let value = root["store"] else { return StoreSettings() }
        let table = try self.table(value, at: "store", expected: "a table ([store])")
        if table["dir"] != nil {  // nextest's [store] dir: where its own files go
            throw .unknownKey(file: file, keyPath: "store.dir", allowed: Self.storeKeys.sorted(),
                              note: "a cargo-nextest setting trim does not support (trim keeps its files in <target>/trim)")
        }
        try checkKeys(table, at: "store", allowed: Self.storeKeys)
        var settings = StoreSettings()
        if let url = table["url"] {
            settings.url = try string(url, at: "store.url", expected: "a database URL such as \"postgres://trim@db:5432/trim\" or a file path")
        }
        if let readOnly = table["read-only"] { settings.readOnly = try bool(readOnly, at: "store.read-only") }
        return settings
    }
}
