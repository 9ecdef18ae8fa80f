/// What a rustc command line says about itself.
public struct RustcCall {
    public struct Outputs {
        public var directory: String
        /// `<crate name><extra filename>`: what every output's name starts with.
        public var stem: String
    }

    /// A compilation (not `-vV` or a `--print` query).
    public var compiles: Bool
    /// Where its outputs go, when cargo said (`--out-dir`, `-C extra-filename`).
    public var outputs: Outputs?
    /// It links an executable (`--test`, or `--crate-type bin` alone) for a
    /// glibc Linux target, by rustc's default as a PIE: nothing in its own
    /// arguments asks for PIE, a relocation model or a static CRT.
    public var linksPositionIndependentExecutable: Bool
    /// It links an executable (`--test`, or `--crate-type bin` alone) for a glibc Linux target.
    public var linksExecutable: Bool
    /// It links a libtest harness (`--test`): an executable that lists its
    /// tests when asked, not a program of the user's.
    public var linksTestHarness: Bool
    /// The linker its own arguments choose (`-C linker=…`, the last one), nil for rustc's default.
    public var linker: String?
    /// Its arguments name a linker flavor (`-C linker-flavor=…`).
    public var choosesLinkerFlavor: Bool

    public init(arguments: [String]) {
        var crateName: String?, outDirectory: String?, extraFilename: String?, target: String?
        var printing = false, harness = false, crateTypes: [String] = [], codegenOptions: [String] = []
        var index = 0
        func value(_ flag: String) -> String? {
            let argument = arguments[index]
            if argument == flag, index + 1 < arguments.count {
                index += 1
                return arguments[index]
            }
            return argument.hasPrefix(flag + "=") ? String(argument.dropFirst(flag.count + 1)) : nil
        }
        while index < arguments.count {
            if arguments[index].hasPrefix("--print") { printing = true }
            if arguments[index] == "--test" { harness = true }
            if let name = value("--crate-name") {
                crateName = name
            } else if let types = value("--crate-type") {
                crateTypes += types.split(separator: ",").map(String.init)
            } else if let triple = value("--target") {
                target = triple
            } else if let directory = value("--out-dir") {
                outDirectory = directory
            } else if let codegen = value("-C") ?? Self.codegenJoined(arguments[index]) {
                codegenOptions.append(codegen)
                if codegen.hasPrefix("extra-filename=") {
                    extraFilename = String(codegen.dropFirst("extra-filename=".count))
                }
            }
            index += 1
        }
        compiles = crateName != nil && !printing
        let executable = harness ? crateTypes.allSatisfy { $0 == "bin" } : crateTypes == ["bin"]
        let asksOtherwise = codegenOptions.contains { option in
            ["pie", "relocation-model", "crt-static"].contains { option.contains($0) }
        }
        linksExecutable = compiles && executable && Self.isGlibcLinux(target: target)
        linksTestHarness = linksExecutable && harness
        linksPositionIndependentExecutable = linksExecutable && !asksOtherwise
        linker = codegenOptions.last { $0.hasPrefix("linker=") }.map { String($0.dropFirst("linker=".count)) }
        choosesLinkerFlavor = codegenOptions.contains { $0.hasPrefix("linker-flavor=") }
        if compiles, let crateName, let outDirectory {
            outputs = Outputs(directory: outDirectory, stem: crateName + (extraFilename ?? ""))
        }
    }

    /// `target` (the host when nil) is a glibc Linux triple.
    static func isGlibcLinux(target: String?) -> Bool {
        guard let target else {
            #if os(Linux) && canImport(Glibc)
            return true
            #else
            return false
            #endif
        }
        return target.contains("-linux-gnu")
    }

    /// `-Cextra-filename=…` written as one argument.
    private static func codegenJoined(_ argument: String) -> String? {
        argument.hasPrefix("-C") && argument.count > 2 ? String(argument.dropFirst(2)) : nil
    }
}
