/// RustcWrapping: trim as cargo's `RUSTC_WRAPPER`. Appends trim's flags to
/// every rustc compilation (after cargo's, so the user's `build.rustflags`
/// and `target.<triple>.rustflags` stay in effect, which `RUSTFLAGS` would
/// replace), then records which codegen-unit bitcode files the call wrote.
/// Unit files no record names are removed while the next call of the crate
/// runs: at most the current call's and the one before stay in `deps/`.
///
/// Owns: what a rustc command line says about itself (`RustcCall`), the
/// record of a crate's current unit files (`UnitFiles`), the wrapper's run,
/// and its run as rustc's linker (`LinkStage`).
/// Invariant: a compilation that succeeded leaves a record naming exactly the
/// unit files it wrote, replaced atomically; a failed one leaves the old
/// record; neither leaves the link stage's notes behind.
/// Never depends on: Foundation (cargo starts the wrapper for every rustc
/// call, and Foundation's loading alone costs more than the rest of it), nor
/// any other trim module.
#if canImport(Glibc)
import Glibc
#endif

public enum RustcWrapping {
    /// trim's flags, separated by U+001F (as `CARGO_ENCODED_RUSTFLAGS`).
    /// Its presence is what makes the executable act as the wrapper.
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

    /// When this process was started as the wrapper (`wrapper RUSTC ARGS...`
    /// with `TRIM_RUSTC_FLAGS` set): runs rustc and returns its exit status.
    /// Nil otherwise. `variable` reads the environment (the process's own by default).
    public static func runIfRequested(arguments: [String] = CommandLine.arguments,
                                      variable: (String) -> String? = environmentVariable) -> Int32? {
        if let status = LinkStage.runIfRequested(arguments: arguments, variable: variable) { return status }
        guard let encoded = variable(flagsVariable), arguments.count >= 2 else { return nil }
        let flags = encoded.isEmpty ? [] : encoded.split(separator: "\u{1f}", omittingEmptySubsequences: false).map(String.init)
        let invocation = Array(arguments.dropFirst())
        let call = RustcCall(arguments: invocation)
        let command = (variable(userWrapperVariable).map { [$0] } ?? []) + invocation
            + (call.compiles ? flags : []) + (call.linksPositionIndependentExecutable ? executableFlags : [])
        guard let outputs = call.outputs else { return run(command) }

        let before = UnitFiles.list(in: outputs.directory, stem: outputs.stem)
        let linkStage = LinkStage.prepare(call, outputs: outputs, before: before, variable: variable)
        let stale = UnitFiles.stale(before, in: outputs.directory, stem: outputs.stem)
        // Removed while rustc runs, not once it has ended: cargo waits for
        // this process, and the crates that depend on this one wait for cargo.
        let status = run(command + (linkStage?.flags ?? []), adding: linkStage?.environment ?? [:]) {
            for name in stale { unlink(outputs.directory + "/" + name) }
        }
        if linkStage != nil { LinkStage.cleanUp(outputs) }
        guard status == 0 else { return status }
        let written = UnitFiles.list(in: outputs.directory, stem: outputs.stem).subtracting(before)
        do {
            // A call that wrote none keeps the old record. The files the old
            // record names are never read again, and are removed by this
            // crate's next call.
            if !written.isEmpty {
                try UnitFiles.writeRecord(Array(written), outDirectory: outputs.directory, stem: outputs.stem)
                // Never removed while rustc runs (it may be rewriting it in place):
                // a one-unit build's file goes once a build of several units replaces it.
                let whole = UnitFiles.wholeCrateFile(stem: outputs.stem)
                if before.contains(whole) && !written.contains(whole) { unlink(outputs.directory + "/" + whole) }
            }
            if let digest = variable(digestVariable) { try noteFlags(digest: digest, outputs: outputs) }
        } catch {
            printError("trim: cannot record the codegen units of \(outputs.stem): \(error)")
            return 1
        }
        return 0
    }

    public static func environmentVariable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Appends `# env-dep:TRIM_RUSTC_FLAGS_DIGEST=…` to the crate's dep-info,
    /// which cargo reads when the call ends.
    private static func noteFlags(digest: String, outputs: RustcCall.Outputs) throws(UnitFiles.WriteError) {
        let depInfo = outputs.directory + "/" + outputs.stem + ".d"
        let descriptor = open(depInfo, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return }  // no dep-info: nothing to note
        defer { close(descriptor) }
        var line = "# env-dep:\(digestVariable)=\(digest)\n"
        let end = lseek(descriptor, 0, SEEK_END)
        var last: UInt8 = 0
        if end > 0, pread(descriptor, &last, 1, end - 1) == 1, last != UInt8(ascii: "\n") { line = "\n" + line }
        try UnitFiles.writeAll(Array(line.utf8), to: descriptor, path: depInfo)
    }

    /// Runs `command` with this process's stdio and environment (cargo reads
    /// rustc's JSON on stderr as it comes) and returns how it ended: its exit
    /// status, 128 + the signal that ended it, 127 when it could not start.
    /// `meanwhile` runs once the command has started, before it is waited for.
    static func run(_ command: [String], adding variables: [String: String] = [:],
                    meanwhile: () -> Void = {}) -> Int32 {
        guard let wait = spawnAndWait(command, adding: variables, meanwhile: meanwhile) else { return 127 }
        if wait & 0x7f == 0 { return (wait >> 8) & 0xff }
        return 128 + (wait & 0x7f)
    }

    /// `run`'s spawn: the raw wait status, nil (and said) when `command` could not start.
    static func spawnAndWait(_ command: [String], adding variables: [String: String] = [:],
                             meanwhile: () -> Void = {}) -> Int32? {
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let added = variables.map { strdup("\($0.key)=\($0.value)") }
        defer { added.forEach { free($0) } }
        var inherited: [UnsafeMutablePointer<CChar>?] = []
        var entry = environ
        while !variables.isEmpty, let variable = entry.pointee {
            let name = String(cString: variable).prefix { $0 != "=" }
            if variables[String(name)] == nil { inherited.append(variable) }
            entry += 1
        }
        var pid: pid_t = 0
        let status = variables.isEmpty ? posix_spawnp(&pid, command[0], nil, nil, argv, environ)
            : posix_spawnp(&pid, command[0], nil, nil, argv, inherited + added + [nil])
        guard status == 0 else {
            printError("trim: cannot run \(command[0]): \(String(cString: strerror(status)))")
            return nil
        }
        meanwhile()
        var wait: Int32 = 0
        while waitpid(pid, &wait, 0) == -1 && errno == EINTR {}
        return wait
    }

    public static func printError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
