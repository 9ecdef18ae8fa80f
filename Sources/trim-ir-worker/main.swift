// trim-ir-worker [--threads N | --lines] [--llvm-version V] IN.bc OUT [IN.bc OUT]... —
// parses each bitcode file and writes its fingerprint (with up to N threads,
// default 1) or, with --lines, each block's source lines to its OUT
// atomically; the pairs are read in order, stopping at the first failure.
// With --llvm-version it reads only if its libLLVM is version V (exit 5,
// printing the version it has, otherwise). Run by trim and blockdiff in a
// child process, so that LLVM crashing on a damaged file cannot take them
// down, and so that only this process loads libLLVM.
import BitcodeReader
import BlockIR
import Foundation

let usage = "usage: trim-ir-worker [--threads N] [--llvm-version V] IN.bc OUT [IN.bc OUT]...\n"
    + "       trim-ir-worker --lines [--llvm-version V] IN.bc OUT [IN.bc OUT]...\n"
var request = ReaderWorker.Request.fingerprint(threads: 1)
var llvmVersion: String?
var files: [String] = []
var understood = true
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--threads":
        if let n = arguments.popFirst().flatMap({ Int($0) }), n >= 1 { request = .fingerprint(threads: n) } else { understood = false }
    case "--lines":
        request = .blockLines
    case "--llvm-version":
        llvmVersion = arguments.popFirst()
        understood = understood && llvmVersion != nil
    default:
        files.append(argument)
    }
}
// Several files, in order: IN1 OUT1 IN2 OUT2 ...
guard understood, files.count >= 2, files.count % 2 == 0 else {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(64)
}
for pair in stride(from: 0, to: files.count, by: 2) {
    let reply = ReaderWorker.answer(request, input: files[pair], output: files[pair + 1], llvmVersion: llvmVersion)
    if let message = reply.message { FileHandle.standardError.write(Data((message + "\n").utf8)) }
    if reply.status != 0 { exit(reply.status) }
}
