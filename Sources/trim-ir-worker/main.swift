// trim-ir-worker [--threads N] IN.bc OUT.fp — parses one bitcode file (with
// up to N threads, default 1) and writes its fingerprint to OUT.fp
// atomically. Run by trim and blockdiff in a child process, so that LLVM
// crashing on a damaged file cannot take them down.
import BlockIR
import Foundation

var arguments = Array(CommandLine.arguments.dropFirst())
var threads = 1
if arguments.count == 4, arguments[0] == "--threads", let n = Int(arguments[1]), n >= 1 {
    threads = n
    arguments.removeFirst(2)
}
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: trim-ir-worker [--threads N] IN.bc OUT.fp\n".utf8))
    exit(64)
}

switch ShimReader.read(path: arguments[0], thenExit: true, threads: threads) {
case .failure(.open(let message)):
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(WorkerProtocol.openFailed)
case .failure(.parse(let message, let producer)):
    FileHandle.standardError.write(Data(WorkerProtocol.report(message: message, producer: producer).utf8))
    exit(WorkerProtocol.parseFailed)
case .success(let module):
    let output = URL(fileURLWithPath: arguments[1])
    let temporary = output.deletingLastPathComponent()
        .appendingPathComponent(".\(output.lastPathComponent).\(getpid()).tmp")
    do {
        try Data(FingerprintCodec.encode(module)).write(to: temporary)
    } catch {
        FileHandle.standardError.write(Data("cannot write \(temporary.path): \(error.localizedDescription)\n".utf8))
        exit(1)
    }
    if rename(temporary.path, output.path) != 0 {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temporary)
        FileHandle.standardError.write(Data("cannot write \(output.path): \(reason)\n".utf8))
        exit(1)
    }
}
