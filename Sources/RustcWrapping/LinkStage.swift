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
                [unitsVariable: outputs.directory + "/" + outputs.stem, linkerVariable: call.linker ?? "cc"])
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
    /// the units, tells trim, and runs the real linker in its place (it
    /// returns only when that cannot start). Nil otherwise.
    static func runIfRequested(arguments: [String], variable: (String) -> String?) -> Int32? {
        guard let units = variable(unitsVariable), let linker = variable(linkerVariable), !linker.isEmpty else {
            return nil
        }
        // Only a hint to start early: whatever fails here, the link goes on.
        note(units, notify: variable(notifyVariable))
        for name in [unitsVariable, linkerVariable, notifyVariable] { unsetenv(name) }
        let argv = ([linker] + arguments.dropFirst()).map { strdup($0) } + [nil]
        execvp(linker, argv)
        RustcWrapping.printError("trim: cannot run the linker \(linker): \(String(cString: strerror(errno)))")
        return 127
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
        // One line, shorter than PIPE_BUF: written whole, never interleaved with another linker's.
        let descriptor = open(notify, O_WRONLY | O_NONBLOCK | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { return }  // trim has stopped listening
        _ = try? UnitFiles.writeAll(Array((units + "\n").utf8), to: descriptor, path: notify)
        close(descriptor)
    }

    private static func ownExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(cString: Array(buffer[0..<length]) + [0])
    }
}
