/// The input tracer: an LD_PRELOAD interposer, as C source.
/// `InputTracer.library` compiles it once per content hash into `libtrimio.so`.
///
/// What it wraps (each records, then returns exactly what the real call
/// returned, with its errno):
///
///     files     open, open64, openat, openat64, __open_2, __open64_2, __openat_2,
///               __openat64_2, fopen, fopen64 (not write-only, not truncating),
///               opendir, stat, stat64, lstat, lstat64, fstatat, fstatat64, statx,
///               __xstat, __xstat64, __lxstat, __lxstat64, __fxstatat, __fxstatat64,
///               access, faccessat; the path of exec* / posix_spawn*
///     variables getenv, secure_getenv (answered here, from environ: no dlsym)
///     network   connect, sendto and sendmsg with an address
///     children  execve, execv, execvp, execvpe, posix_spawn, posix_spawnp: a child
///               environment that lost TRIM_INPUTS_FILE and has no LD_PRELOAD of
///               its own gets both back (marked TRIM_INPUTS_INJECTED, which the
///               child's copy removes again from its environ at start-up)
///     ends      exit (a destructor), _exit, _Exit, exec* (the image is replaced),
///               SIGSEGV/SIGABRT/SIGBUS/SIGILL/SIGFPE (only where the disposition
///               was the default; chained as the coverage runtime does)
///
/// Trace file (`$TRIM_INPUTS_FILE`, `%p` replaced by the process id, or by
/// `<pid>-x<n>` for the copy written just before the n-th exec of a process):
///
///     TRIMIO1 <pid> <parent pid> <signal, 0 at exit> <flags> <length of the records>\n
///     then records, each: one kind byte, the text, a NUL
///       'f' a path opened for reading, stat'ed, accessed or executed
///       'd' a directory listed (opendir, or open with O_DIRECTORY)
///       'e' the name of an environment variable read
///       's' a statically linked program this process started (LD_PRELOAD cannot
///           reach it: the reader reports its inputs as not recorded)
///       'n' a network address: "1.2.3.4:80", "[0:0:0:0:0:0:0:1]:80" (not
///           compressed), "unix:/path", "unix:@abstract"
///     flags: bit 0 written by a signal handler; bit 1 incomplete (the event
///     table was full, a path was too long, or the lock could not be taken)
///
/// Paths are absolute (joined to the current directory, or to the directory
/// an `at` call's descriptor names, at the time of the call) but not
/// normalised. Each distinct record is written once per process, in the
/// order first seen. The file is written in place (no temporary file: creating
/// files is what costs); a file shorter than its header says was cut short by
/// a kill while it was written.
enum InterposerSource {
    static let formatVersion = 1

    /// The C text (`Interposer/trimio.c`, embedded in the executable at build time).
    static let c = String(decoding: PackageResources.trimio_c, as: UTF8.self)

}
