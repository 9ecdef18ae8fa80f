import CargoSupport
import Foundation
import TrimCLI

// Under `cargo trim run`, cargo starts this executable as its rustc wrapper.
if let status = RustcWrapper.runIfRequested() { exit(status) }
MallocArenas.limitToProcessorCount()
// cargo runs `cargo-trim trim ARGS...` for `cargo trim ARGS...`.
var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "trim" { arguments.removeFirst() }
TrimCommand.main(arguments: arguments)
