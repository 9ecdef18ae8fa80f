import CargoSupport
import Foundation
import TrimCLI

// Under `trim run`, cargo starts this executable as its rustc wrapper.
if let status = RustcWrapper.runIfRequested() { exit(status) }
MallocArenas.limitToProcessorCount()
TrimCommand.main(arguments: Array(CommandLine.arguments.dropFirst()))
