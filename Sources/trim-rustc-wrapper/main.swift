import CargoSupport
import Foundation

// cargo's RUSTC_WRAPPER under `trim run`: the wrapper alone, without the
// libraries trim itself loads (LLVM among them), since cargo starts it for
// every rustc call.
guard let status = RustcWrapper.runIfRequested() else {
    FileHandle.standardError.write(Data("""
        trim-rustc-wrapper: trim starts this as cargo's RUSTC_WRAPPER (with \(RustcWrapper.flagsVariable) set); \
        it is not meant to be run by hand\n
        """.utf8))
    exit(2)
}
exit(status)
