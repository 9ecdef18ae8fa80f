import Foundation
import RustcWrapping

/// The environment that makes cargo run trim's rustc wrapper
/// (`RustcWrapping`, which the wrapper executable runs without Foundation).
public enum RustcWrapper {
    /// See `RustcWrapping`.
    public static let flagsVariable = RustcWrapping.flagsVariable
    public static let digestVariable = RustcWrapping.digestVariable
    public static let userWrapperVariable = RustcWrapping.userWrapperVariable
    public static let executableFlags = RustcWrapping.executableFlags

    /// The environment cargo needs for trim to wrap rustc with `flags`.
    public static func environment(flags: [String], wrapperExecutable: String,
                                   base: [String: String]) -> [String: String] {
        var environment = base
        if let user = base["RUSTC_WRAPPER"], !user.isEmpty, user != wrapperExecutable {
            environment[userWrapperVariable] = user
        }
        environment["RUSTC_WRAPPER"] = wrapperExecutable
        environment[flagsVariable] = flags.joined(separator: "\u{1f}")
        environment[digestVariable] = digest(of: flags + executableFlags)
        return environment
    }

    /// FNV-1a of the flags, in hex: stable across runs and trim versions.
    static func digest(of flags: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in flags.joined(separator: "\u{1f}").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// When this process was started as the wrapper: runs rustc and returns
    /// its exit status (`RustcWrapping.runIfRequested`); nil otherwise.
    public static func runIfRequested(arguments: [String] = CommandLine.arguments,
                                      environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32? {
        RustcWrapping.runIfRequested(arguments: arguments, variable: { environment[$0] })
    }
}
