// trim-ir-worker IN.bc OUT.fp — parses one bitcode file and writes its
// fingerprint to OUT.fp atomically. Run by trim and blockdiff in a child
// process, so that LLVM crashing on a damaged file cannot take them down.
import BlockIR
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: trim-ir-worker IN.bc OUT.fp\n".utf8))
    exit(64)
}

switch ShimReader.read(path: arguments[1], thenExit: true) {
case .failure(.open(let message)):
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(WorkerProtocol.openFailed)
case .failure(.parse(let message, let producer)):
    FileHandle.standardError.write(Data(WorkerProtocol.report(message: message, producer: producer).utf8))
    exit(WorkerProtocol.parseFailed)
case .success(let module):
    let output = URL(fileURLWithPath: arguments[2])
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
