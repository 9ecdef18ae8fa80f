import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// trim as cargo's `RUSTC_WRAPPER`: appends trim's flags to every rustc
/// compilation (after cargo's, so the user's `build.rustflags` and
/// `target.<triple>.rustflags` stay in effect, which `RUSTFLAGS` would
/// replace), then records which codegen-unit bitcode files the call wrote.
public enum RustcWrapper {
    /// trim's flags, separated by U+001F (as `CARGO_ENCODED_RUSTFLAGS`).
    /// Its presence is what makes the trim executable act as the wrapper.
    public static let flagsVariable = "TRIM_RUSTC_FLAGS"
    /// A digest of the flags. Cargo does not fingerprint the wrapper, so each
    /// crate's dep-info names this variable (`# env-dep:`): cargo rebuilds the
    /// crate when its value differs from the one it was built with.
    public static let digestVariable = "TRIM_RUSTC_FLAGS_DIGEST"
    /// A `RUSTC_WRAPPER` the user had set, run in turn by trim's.
    public static let userWrapperVariable = "TRIM_USER_RUSTC_WRAPPER"
    /// Added to the calls that link a test or bin executable for a glibc
    /// Linux target (`RustcCall.linksPositionIndependentExecutable`): a
    /// position-dependent executable needs no relocation of its
    /// SanitizerCoverage PC table (one absolute address per block) at every
    /// start, which a PIE does in each test process. Never added to libraries,
    /// proc-macros or dylibs, nor when the call's own flags mention PIE,
    /// a relocation model or static CRT linking.
    public static let executableFlags = ["-C", "link-arg=-no-pie"]

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

    /// When this process was started as the wrapper (`trim RUSTC ARGS...`
    /// with `TRIM_RUSTC_FLAGS` set): runs rustc and returns its exit status.
    /// Nil otherwise: trim goes on as a command.
    public static func runIfRequested(arguments: [String] = CommandLine.arguments,
                                      environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32? {
        guard let encoded = environment[flagsVariable], arguments.count >= 2 else { return nil }
        let flags = encoded.isEmpty ? [] : encoded.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
        let invocation = Array(arguments.dropFirst())
        let call = RustcCall(arguments: invocation)
        let command = (environment[userWrapperVariable].map { [$0] } ?? []) + invocation
            + (call.compiles ? flags : []) + (call.linksPositionIndependentExecutable ? executableFlags : [])
        guard let outputs = call.outputs else { return run(command) }

        let before = CodegenUnits.unitFiles(in: outputs.directory, stem: outputs.stem)
        let status = run(command)
        guard status == 0 else { return status }
        let written = CodegenUnits.unitFiles(in: outputs.directory, stem: outputs.stem).subtracting(before)
        do {
            // Files of earlier calls are never read again once this call's are
            // recorded: remove them (a call that wrote none keeps the old record).
            if !written.isEmpty {
                try CodegenUnits.write(Array(written), outDirectory: outputs.directory, stem: outputs.stem)
                for stale in before { unlink((outputs.directory as NSString).appendingPathComponent(stale)) }
            }
            if let digest = environment[digestVariable] { try noteFlags(digest: digest, outputs: outputs) }
        } catch {
            FileHandle.standardError.write(Data("trim: cannot record the codegen units of \(outputs.stem): \(error)\n".utf8))
            return 1
        }
        return 0
    }

    /// Appends `# env-dep:TRIM_RUSTC_FLAGS_DIGEST=…` to the crate's dep-info,
    /// which cargo reads when the call ends.
    private static func noteFlags(digest: String, outputs: RustcCall.Outputs) throws {
        let depInfo = (outputs.directory as NSString).appendingPathComponent(outputs.stem + ".d")
        guard let handle = FileHandle(forUpdatingAtPath: depInfo) else { return }
        defer { try? handle.close() }
        let end = try handle.seekToEnd()
        var line = "# env-dep:\(digestVariable)=\(digest)\n"
        if end > 0 {
            try handle.seek(toOffset: end - 1)
            if handle.readData(ofLength: 1) != Data("\n".utf8) { line = "\n" + line }
        }
        try handle.write(contentsOf: Data(line.utf8))
    }

    /// Runs `command` with this process's stdio and environment (cargo reads
    /// rustc's JSON on stderr as it comes) and returns how it ended.
    private static func run(_ command: [String]) -> Int32 {
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, command[0], nil, nil, argv, environ)
        guard status == 0 else {
            FileHandle.standardError.write(Data("trim: cannot run \(command[0]): \(String(cString: strerror(status)))\n".utf8))
            return 127
        }
        var wait: Int32 = 0
        while waitpid(pid, &wait, 0) == -1 && errno == EINTR {}
        if wait & 0x7f == 0 { return (wait >> 8) & 0xff }
        return 128 + (wait & 0x7f)
    }
}

/// What a rustc command line says about itself.
struct RustcCall {
    struct Outputs {
        var directory: String
        /// `<crate name><extra filename>`: what every output's name starts with.
        var stem: String
    }

    /// A compilation (not `-vV` or a `--print` query).
    var compiles: Bool
    /// Where its outputs go, when cargo said (`--out-dir`, `-C extra-filename`).
    var outputs: Outputs?
    /// It links an executable (`--test`, or `--crate-type bin` alone) for a
    /// glibc Linux target, by rustc's default as a PIE: nothing in its own
    /// arguments asks for PIE, a relocation model or a static CRT.
    var linksPositionIndependentExecutable: Bool

    init(arguments: [String]) {
        var crateName: String?, outDirectory: String?, extraFilename: String?, target: String?
        var printing = false, harness = false, crateTypes: [String] = [], codegenOptions: [String] = []
        var index = 0
        func value(_ flag: String) -> String? {
            let argument = arguments[index]
            if argument == flag, index + 1 < arguments.count {
                index += 1
                return arguments[index]
            }
            return argument.hasPrefix(flag + "=") ? String(argument.dropFirst(flag.count + 1)) : nil
        }
        while index < arguments.count {
            if arguments[index].hasPrefix("--print") { printing = true }
            if arguments[index] == "--test" { harness = true }
            if let name = value("--crate-name") {
                crateName = name
            } else if let types = value("--crate-type") {
                crateTypes += types.split(separator: ",").map(String.init)
            } else if let triple = value("--target") {
                target = triple
            } else if let directory = value("--out-dir") {
                outDirectory = directory
            } else if let codegen = value("-C") ?? Self.codegenJoined(arguments[index]) {
                codegenOptions.append(codegen)
                if codegen.hasPrefix("extra-filename=") {
                    extraFilename = String(codegen.dropFirst("extra-filename=".count))
                }
            }
            index += 1
        }
        compiles = crateName != nil && !printing
        let executable = harness ? crateTypes.allSatisfy { $0 == "bin" } : crateTypes == ["bin"]
        let asksOtherwise = codegenOptions.contains { option in
            ["pie", "relocation-model", "crt-static"].contains { option.contains($0) }
        }
        linksPositionIndependentExecutable = compiles && executable && !asksOtherwise
            && Self.isGlibcLinux(target: target)
        if compiles, let crateName, let outDirectory {
            outputs = Outputs(directory: outDirectory, stem: crateName + (extraFilename ?? ""))
        }
    }

    /// `target` (the host when nil) is a glibc Linux triple.
    static func isGlibcLinux(target: String?) -> Bool {
        guard let target else {
            #if os(Linux) && canImport(Glibc)
            return true
            #else
            return false
            #endif
        }
        return target.contains("-linux-gnu")
    }

    /// `-Cextra-filename=…` written as one argument.
    private static func codegenJoined(_ argument: String) -> String? {
        argument.hasPrefix("-C") && argument.count > 2 ? String(argument.dropFirst(2)) : nil
    }
}
