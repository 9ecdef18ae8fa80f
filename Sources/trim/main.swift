import TrimCLI

TrimCommand.main(arguments: Array(CommandLine.arguments.dropFirst()))
