import TrimCLI

// cargo runs `cargo-trim trim ARGS...` for `cargo trim ARGS...`.
var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "trim" { arguments.removeFirst() }
TrimCommand.main(arguments: arguments)
