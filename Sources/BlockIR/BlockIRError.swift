/// Everything that can go wrong reading bitcode, each naming the file and what to do.
public enum BlockIRError: Error, Equatable, CustomStringConvertible, Sendable {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case empty(path: String)
    case notBitcode(path: String)
    case corrupt(path: String, llvmMessage: String)
    case truncated(path: String, llvmMessage: String)
    case tooNew(path: String, producer: String, reader: String)
    case parserCrashed(path: String, signal: Int32)
    case parserTimedOut(path: String, seconds: Int)
    case workerFailed(path: String, detail: String)
    case workerNotFound(searched: [String])
    /// The worker loads another libLLVM than the one trim was built against.
    case workerLLVMVersion(worker: String, loaded: String, expected: String)
    case noBitcodeInDirectory(path: String)
    /// A device, FIFO or socket: never opened (a FIFO would block forever).
    case notRegularFile(path: String, kind: String)

    public var path: String? {
        switch self {
        case .fileNotFound(let p), .unreadable(let p, _), .empty(let p), .notBitcode(let p),
            .corrupt(let p, _), .truncated(let p, _), .tooNew(let p, _, _),
            .parserCrashed(let p, _), .parserTimedOut(let p, _), .workerFailed(let p, _), .noBitcodeInDirectory(let p),
            .notRegularFile(let p, _):
            return p
        case .workerNotFound, .workerLLVMVersion: return nil
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file or directory"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read: \(reason)"
        case .notRegularFile(let path, let kind):
            return "\(path): not a regular file (\(kind)); give a .bc file or a directory of them"
        case .empty(let path):
            return "\(path): the file is empty, not LLVM bitcode (was the build interrupted?)"
        case .notBitcode(let path):
            return "\(path): not an LLVM bitcode file (no 'BC' or wrapper magic); "
                + "build with --emit=llvm-bc (rustc) or -emit-llvm -c (clang)"
        case .corrupt(let path, let message):
            return "\(path): corrupt bitcode: LLVM says: \(message)"
        case .truncated(let path, let message):
            return "\(path): truncated bitcode (was the build interrupted?): LLVM says: \(message)"
        case .tooNew(let path, let producer, let reader):
            return "\(path): produced by a newer LLVM (producer '\(producer)') than this reader "
                + "(LLVM \(reader)); rebuild trim against a matching llvm-dev"
        case .parserCrashed(let path, let signal):
            return "\(path): LLVM's bitcode reader crashed on this file (signal \(signal)); "
                + "the file is damaged: rebuild it"
        case .parserTimedOut(let path, let seconds):
            return "\(path): LLVM's bitcode reader did not finish within \(seconds) s on this file; "
                + "the file is damaged: rebuild it (or raise TRIM_PARSE_TIMEOUT)"
        case .workerFailed(let path, let detail):
            return "\(path): the fingerprint worker failed: \(detail)"
        case .workerNotFound(let searched):
            return "cannot find the trim-ir-worker executable (looked in: "
                + searched.joined(separator: ", ") + "); set TRIM_IR_WORKER to its path"
        case .workerLLVMVersion(let worker, let loaded, let expected):
            return "\(worker) reads bitcode with LLVM \(loaded), but this trim was built against LLVM \(expected); "
                + "rebuild trim (swift build) so that both use the installed LLVM"
        case .noBitcodeInDirectory(let path):
            return "\(path): the directory holds no .bc files"
        }
    }
}
