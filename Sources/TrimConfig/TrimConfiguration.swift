import Foundation

public struct TrimConfiguration: Sendable {
    /// Where the file lives, relative to the workspace root (nextest: `.config/nextest.toml`).
    public static let relativePath = ".config/trim.toml"
    /// The profile used without `--profile`, and the one every other inherits from.
    public static let defaultProfileName = "default"

    /// The configuration file (whether or not it exists).
    public let file: URL
    /// False when there was no file and everything is the built-in default.
    public let fileExists: Bool
    let layers: [String: ProfileLayer]
    /// `[[network.rules]]`: what a test's use of an address means for selection (NetworkPolicy.swift).
    public var network: NetworkPolicy = .builtInDefault
    /// `[inputs]`: files and variables left out of a test's recorded inputs.
    public var inputs = InputSettings()
    /// `[test-groups.<name>]`, by name (`@global` is not among them).
    public var testGroups: [String: TestGroup] = [:]
    /// `[store]`: the shared database (StoreSettings.swift).
    public var store = StoreSettings()

    /// Every profile that can be asked for: those the file defines, and `default`.
    public var profileNames: [String] {
        Set(layers.keys).union([Self.defaultProfileName]).sorted()
    }

    /// Reads `<workspaceRoot>/.config/trim.toml`; a missing file gives the
    /// built-in defaults. `validateFilter` is called with each override's
    /// filter; whatever it throws becomes `ConfigError.invalidFilter` with
    /// the file and key path (its `description` is the detail).
    public static func load(workspaceRoot: URL, validateFilter: ((String) throws -> Void)? = nil)
        throws(ConfigError) -> TrimConfiguration
    {
        let file = workspaceRoot.appendingPathComponent(relativePath)
        if !FileManager.default.fileExists(atPath: file.path) {
            return TrimConfiguration(file: file, fileExists: false, layers: [:])
        }
        return try load(file: file, validateFilter: validateFilter)
    }

    /// Reads a configuration file that must exist (e.g. one named on the command line).
    public static func load(file: URL, validateFilter: ((String) throws -> Void)? = nil)
        throws(ConfigError) -> TrimConfiguration
    {
        let path = file.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(file: path, detail: "no such file")
        }
        if isDirectory.boolValue { throw .unreadable(file: path, detail: "it is a directory, not a file") }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw .unreadable(file: path, detail: (error as NSError).localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: path, detail: "not UTF-8 text")
        }
        return try parse(text, file: path, validateFilter: validateFilter)
    }

    /// Checks `text` as the contents of `file` (used in messages only).
    public static func parse(_ text: String, file: String, validateFilter: ((String) throws -> Void)? = nil)
        throws(ConfigError) -> TrimConfiguration
    {
        let reader = ConfigReader(file: file, validateFilter: validateFilter)
        let root = try reader.root(text)
        let layers = try reader.profiles(root)
        let groups = try reader.testGroups(root)
        try checkGroupReferences(layers, groups: groups, file: file)
        return TrimConfiguration(file: URL(fileURLWithPath: file), fileExists: true, layers: layers,
                                 network: try reader.network(root), inputs: try reader.inputs(root),
                                 testGroups: groups, store: try reader.store(root))
    }

    /// The built-in defaults alone, as when there is no file.
    public static func builtIn(workspaceRoot: URL) -> TrimConfiguration {
        TrimConfiguration(file: workspaceRoot.appendingPathComponent(relativePath), fileExists: false, layers: [:])
    }

    /// The profile `name`, resolved: `[profile.<name>]` over
    /// `[profile.default]` over the built-in defaults. Its overrides are its
    /// own, then `default`'s.
    public func profile(named name: String = TrimConfiguration.defaultProfileName) throws(ConfigError) -> Profile {
        let base = layers[Self.defaultProfileName] ?? ProfileLayer()
        if name == Self.defaultProfileName { return base.resolved(name: name) }
        guard let layer = layers[name] else {
            throw .unknownProfile(file: file.path, name: name, defined: profileNames)
        }
        return layer.laid(over: base).resolved(name: name)
    }
}
