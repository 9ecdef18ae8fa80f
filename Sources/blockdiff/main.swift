import ArgumentParser
import BlockIR
import Foundation

// Exit 0: no change, 1: changes, 2: any error (bad arguments included), like diff(1).
do {
    var command = try BlockDiffCommand.parseAsRoot()
    try command.run()
} catch let error as BlockIRError {
    FileHandle.standardError.write(Data("blockdiff: error: \(error)\n".utf8))
    exit(2)
} catch {
    let code = BlockDiffCommand.exitCode(for: error)
    if code == .success || code.rawValue == 1 {
        if code == .success { print(BlockDiffCommand.fullMessage(for: error)) }
        exit(code.rawValue)
    }
    FileHandle.standardError.write(Data((BlockDiffCommand.fullMessage(for: error) + "\n").utf8))
    exit(2)
}
