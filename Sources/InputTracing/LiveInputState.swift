import Foundation
import TrimModel

extension InputState {
    /// The workspace on disk and the environment a test would be given now.
    public static func live(filter: InputFilter, environment: [String: String]) -> InputState {
        InputState(
            file: { path in
                guard path.hasPrefix("/") || filter.tracks(relativePath: path) else { return nil }
                let absolute = filter.absolutePath(path)
                return path.hasSuffix("/") ? InputHash.listing(atPath: absolute) : InputHash.file(atPath: absolute)
            },
            variable: { name in
                if name == TestInputs.wholeEnvironment { return InputHash.environment(environment, filter: filter) }
                guard filter.tracks(variable: name) else { return nil }
                return InputHash.value(environment[name])
            },
            matching: { patterns in WorkspaceFiles.matching(patterns, filter: filter) })
    }
}
