#if canImport(Glibc)
import Glibc
#endif

/// The one table of signal names every report and message uses.
public enum SignalNames {
    /// `SIGSEGV`; `signal 42` for one without a name here.
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGHUP: return "SIGHUP"
        case SIGINT: return "SIGINT"
        case SIGQUIT: return "SIGQUIT"
        case SIGILL: return "SIGILL"
        case SIGTRAP: return "SIGTRAP"
        case SIGABRT: return "SIGABRT"
        case SIGBUS: return "SIGBUS"
        case SIGFPE: return "SIGFPE"
        case SIGKILL: return "SIGKILL"
        case SIGSEGV: return "SIGSEGV"
        case SIGPIPE: return "SIGPIPE"
        case SIGALRM: return "SIGALRM"
        case SIGTERM: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }

    /// Without the `SIG` prefix (`SEGV`), as nextest's status column shows it.
    public static func shortName(_ signal: Int32) -> String {
        let full = name(signal)
        return full.hasPrefix("SIG") ? String(full.dropFirst(3)) : "\(signal)"
    }
}
