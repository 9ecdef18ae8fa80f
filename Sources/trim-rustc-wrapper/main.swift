#if canImport(Glibc)
import Glibc
#endif
import RustcWrapping

// cargo's RUSTC_WRAPPER under `trim run`: the wrapper alone, without
// Foundation or the libraries trim itself loads (LLVM among them), since
// cargo starts it for every rustc call.
guard let status = RustcWrapping.runIfRequested() else {
    RustcWrapping.printError("trim-rustc-wrapper: trim starts this as cargo's RUSTC_WRAPPER (with "
        + "\(RustcWrapping.flagsVariable) set); it is not meant to be run by hand")
    exit(2)
}
exit(status)
