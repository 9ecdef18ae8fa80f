#if canImport(Glibc)
import Glibc
#endif

/// The wrapper as rustc's linker, in the calls that link a test or bin
/// executable while trim listens (`TRIM_LINK_NOTIFY`, a FIFO trim reads).
/// When rustc starts its linker it has written every codegen unit's bitcode,
/// so the wrapper notes which units this call wrote
/// (`<stem>.trim-units-linking`), tells trim with one line on the FIFO, and
/// becomes the real linker: trim merges the crate's units while the
/// executable links, instead of after cargo reports it built. The record
/// the wrapper writes once rustc ends (`UnitFiles`) stays the authority:
/// trim keys every merge by its units' content, and a merge of other units
/// than the final record's is never used.
public enum LinkStage {
    /// The FIFO trim reads the notices from; set by trim in cargo's environment.
    public static let notifyVariable = "TRIM_LINK_NOTIFY"
    /// `<out dir>/<stem>` of the call; set by the wrapper for rustc (and so its linker).
    static let unitsVariable = "TRIM_LINK_UNITS"
    /// The linker rustc would have run: the call's own `-C linker=…`, else `cc`.
    static let linkerVariable = "TRIM_LINK_REAL_LINKER"
    /// `1` when the call links a test harness: only then is the executable
    /// announced once linked (trim runs it to list its tests; a program of
    /// the user's is never run that way).
    static let harnessVariable = "TRIM_LINK_HARNESS"

    /// `<stem>.trim-units-linking`: the units one call wrote, as its linker found them.
    public static func noteName(stem: String) -> String { stem + ".trim-units-linking" }
    /// `<stem>.trim-units-before`: the unit files there were before the call.
    static func beforeName(stem: String) -> String { stem + ".trim-units-before" }

    /// For a call that links an executable while trim listens: the flags and
    /// variables that make the wrapper its linker. `before` is written for the
    /// linker stage to subtract. Nil (nothing changes) otherwise.
    static func prepare(_ call: RustcCall, outputs: RustcCall.Outputs, before: Set<String>,
                        variable: (String) -> String?) -> (flags: [String], environment: [String: String])? {
        // A build script is an executable too, but no test runs in it: trim
        // never reads its units. rustc infers how to drive a linker from its
        // name, so only a compiler driver (as rustc's default `cc` is) is
        // replaced: under the wrapper's name rustc would drive a bare linker
        // (`rust-lld`, `ld.lld`) as a compiler driver too.
        guard call.linksExecutable, !outputs.stem.hasPrefix("build_script_"), !call.choosesLinkerFlavor,
            isCompilerDriver(call.linker),
            let notify = variable(notifyVariable), !notify.isEmpty, let wrapper = ownExecutable()
        else { return nil }
        let listed = outputs.directory + "/" + beforeName(stem: outputs.stem)
        guard (try? UnitFiles.writeList(Array(before), to: listed)) != nil else { return nil }
        return (["-C", "linker=\(wrapper)"],
                [unitsVariable: outputs.directory + "/" + outputs.stem, linkerVariable: call.linker ?? "cc",
                 harnessVariable: call.linksTestHarness ? "1" : "0"])
    }

    /// Whether rustc drives `linker` (nil: its default, `cc`) as a C compiler:
    /// a name whose `-`-separated parts, a version aside, include `cc`,
    /// `gcc`, `clang`, `c++`, `g++` or `clang++` (`x86_64-linux-gnu-gcc-12`).
    public static func isCompilerDriver(_ linker: String?) -> Bool {
        guard let linker else { return true }
        let name = linker.split(separator: "/").last.map(String.init) ?? linker
        let drivers: Set<Substring> = ["cc", "gcc", "clang", "c++", "g++", "clang++"]
        return name.split(separator: "-").contains { drivers.contains($0) }
    }

    /// Removes what `prepare` and the linker stage left beside the outputs.
    static func cleanUp(_ outputs: RustcCall.Outputs) {
        unlink(outputs.directory + "/" + beforeName(stem: outputs.stem))
        unlink(outputs.directory + "/" + noteName(stem: outputs.stem))
    }

    /// When this process was started as rustc's linker by `prepare`: notes
    /// the units, tells trim, runs the real linker and, once it has linked a
    /// test harness, tells trim the executable is whole (`linkedPrefix`), so
    /// that it can list its tests while rustc and cargo finish. Returns the linker's
    /// status; a linker ended by a signal ends this process by the same one.
    /// Nil otherwise.
    static func runIfRequested(arguments: [String], variable: (String) -> String?) -> Int32? {
        guard let units = variable(unitsVariable), let linker = variable(linkerVariable), !linker.isEmpty else {
            return nil
        }
        // Only hints to start early: whatever fails here, the link goes on.
        let notify = variable(notifyVariable), harness = variable(harnessVariable) == "1"
        note(units, notify: notify)
        for name in [unitsVariable, linkerVariable, notifyVariable, harnessVariable] { unsetenv(name) }
        guard let wait = RustcWrapping.spawnAndWait([linker] + arguments.dropFirst()) else { return 127 }
        if wait & 0x7f != 0 {
            signal(wait & 0x7f, SIG_DFL)
            raise(wait & 0x7f)
            return 128 + (wait & 0x7f)
        }
        let status = (wait >> 8) & 0xff
        if status == 0, harness, let notify, let executable = outputPath(arguments) {
            tell(notify, linkedNotice(executable: executable, variable: variable))
        }
        return status
    }

    /// The start of the notice a linker stage writes once the link succeeded:
    /// `linked<TAB>executable<TAB>CARGO_MANIFEST_DIR<TAB>CARGO_CRATE_NAME<TAB>OUT_DIR`,
    /// as cargo gave them to rustc (OUT_DIR empty without a build script):
    /// what trim needs to run the executable as `cargo test` would.
    public static let linkedPrefix = "linked\t"

    /// An executable whose link succeeded, with what its notice says of its crate.
    public struct Linked: Sendable, Equatable {
        public var executable: String
        public var manifestDirectory: String
        public var crateName: String
        /// Nil when the package has no build script.
        public var outDirectory: String?

        public init(executable: String, manifestDirectory: String, crateName: String, outDirectory: String?) {
            self.executable = executable
            self.manifestDirectory = manifestDirectory
            self.crateName = crateName
            self.outDirectory = outDirectory
        }
    }

    /// The notice for `executable`; nil when a field is missing, is not an
    /// absolute path where one is due, or holds a tab or a line break.
    static func linkedNotice(executable: String, variable: (String) -> String?) -> String? {
        guard let directory = variable("CARGO_MANIFEST_DIR"), let crate = variable("CARGO_CRATE_NAME") else { return nil }
        let fields = [executable, directory, crate, variable("OUT_DIR") ?? ""]
        guard executable.hasPrefix("/"), directory.hasPrefix("/"), !crate.isEmpty,
            !fields.contains(where: { $0.contains("\t") || $0.contains("\n") })
        else { return nil }
        return linkedPrefix + fields.joined(separator: "\t")
    }

    /// What a `linked` notice says; nil for any other line.
    public static func linked(_ notice: String) -> Linked? {
        guard notice.hasPrefix(linkedPrefix) else { return nil }
        let fields = notice.dropFirst(linkedPrefix.count).split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0].hasPrefix("/"), fields[1].hasPrefix("/"), !fields[2].isEmpty else {
            return nil
        }
        return Linked(executable: String(fields[0]), manifestDirectory: String(fields[1]), crateName: String(fields[2]),
                      outDirectory: fields[3].isEmpty ? nil : String(fields[3]))
    }

    /// The linker's output (`-o PATH`, the last one, as a compiler driver takes it).
    static func outputPath(_ arguments: [String]) -> String? {
        var output: String?
        for (index, argument) in arguments.enumerated().dropFirst() where argument == "-o" && index + 1 < arguments.count {
            output = arguments[index + 1]
        }
        return output
    }

    /// What a notice (`<out dir>/<stem>`, one line on the FIFO) names: the
    /// unit files the linker stage noted, as paths; nil when none were noted
    /// (or the note names anything but the crate's unit files).
    public static func notedUnits(_ notice: String) -> [String]? {
        guard let (directory, stem) = split(notice),
            let names = UnitFiles.readList(directory + "/" + noteName(stem: stem)), !names.isEmpty,
            names.allSatisfy({ UnitFiles.isUnitFile($0, stem: stem) && !$0.contains("/") })
        else { return nil }
        return names.map { directory + "/" + $0 }
    }

    /// `<out dir>/<stem>` apart; nil for anything but an absolute path.
    private static func split(_ path: String) -> (directory: String, stem: String)? {
        guard path.hasPrefix("/"), let slash = path.lastIndex(of: "/") else { return nil }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }

    private static func note(_ units: String, notify: String?) {
        guard let notify, let (directory, stem) = split(units) else { return }
        let before = Set(UnitFiles.readList(directory + "/" + beforeName(stem: stem)) ?? [])
        let written = UnitFiles.list(in: directory, stem: stem).subtracting(before)
        guard !written.isEmpty,
            (try? UnitFiles.writeList(Array(written), to: directory + "/" + noteName(stem: stem))) != nil
        else { return }
        tell(notify, units)
    }

    /// Writes `line` to trim's FIFO, if it is listening. One line, shorter
    /// than PIPE_BUF: written whole, never interleaved with another linker's.
    private static func tell(_ notify: String, _ line: String?) {
        guard let line, line.utf8.count < 4_000 else { return }
        let descriptor = open(notify, O_WRONLY | O_NONBLOCK | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { return }  // trim has stopped listening
        _ = try? UnitFiles.writeAll(Array((line + "\n").utf8), to: descriptor, path: notify)
        close(descriptor)
    }

    private static func ownExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(cString: Array(buffer[0..<length]) + [0])
    }
}
