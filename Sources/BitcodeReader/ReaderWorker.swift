import BlockIR
import Foundation
import PrivateFiles

/// The worker's side of `IsolatedReader`'s protocol: one request on one
/// file, the answer written atomically (a reader sees all of it or nothing),
/// a failure as one of `WorkerProtocol`'s exit statuses with its message.
public enum ReaderWorker {
    public enum Request: Equatable, Sendable {
        /// The unit's fingerprint (`FingerprintCodec`), read with up to `threads` threads.
        case fingerprint(threads: Int)
        /// Each block's source lines (`BlockLinesCodec`).
        case blockLines
    }

    /// The exit status, and what to print on stderr.
    public struct Reply: Equatable, Sendable {
        public var status: Int32
        public var message: String?
    }

    /// Answers `request` for `input` into `output`. `llvmVersion`: the LLVM
    /// the caller keys its cache by; another libLLVM here reads nothing.
    public static func answer(_ request: Request, input: String, output: String, llvmVersion: String?) -> Reply {
        if let llvmVersion, llvmVersion != ShimReader.loadedLLVMVersion {
            return Reply(status: WorkerProtocol.otherLLVM, message: ShimReader.loadedLLVMVersion)
        }
        let encoded: Result<[UInt8], ShimReader.Failure>
        switch request {
        case .fingerprint(let threads):
            encoded = ShimReader.read(path: input, thenExit: true, threads: threads).map(FingerprintCodec.encode)
        case .blockLines:
            encoded = ShimReader.blockLines(path: input).map(BlockLinesCodec.encode)
        }
        switch encoded {
        case .failure(.open(let message)):
            return Reply(status: WorkerProtocol.openFailed, message: message)
        case .failure(.parse(let message, let producer)):
            return Reply(status: WorkerProtocol.parseFailed,
                         message: WorkerProtocol.report(message: message, producer: producer))
        case .success(let bytes):
            return write(bytes, to: URL(fileURLWithPath: output))
        }
    }

    /// Under `.<name>.<pid>.tmp` beside `output` (what the cache sweeps when a
    /// worker is killed), then renamed.
    private static func write(_ bytes: [UInt8], to output: URL) -> Reply {
        let temporary = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).\(getpid()).tmp")
        unlink(temporary.path)  // a killed worker's of the same pid
        do {
            try WholeFileWrite.createBuffered(temporary.path, bytes: bytes)  // a cache entry: never synced
        } catch {
            return Reply(status: 1, message: "\(error)")
        }
        if rename(temporary.path, output.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            return Reply(status: 1, message: "cannot write \(output.path): \(reason)")
        }
        return Reply(status: 0, message: nil)
    }
}
