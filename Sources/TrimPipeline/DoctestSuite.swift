import BlockIR
import CargoSupport
import Foundation
import Runner
import Store
import TestFilter
import TrimModel

/// The doctests `cargo test` would run for the user's selection: listed by
/// cargo, each keyed by its crate's digest (`CrateDigest`: crate grain), and
/// each a test of its own to the runner, through `trim run-doctest`.
struct DoctestSuite: Sendable {
    var list: DoctestList
    /// Package → the digest of what its doctests can reach.
    var digests: [String: String]
    var cargo: DoctestCargo?
    var featureArguments: [String]

    static let none = DoctestSuite(list: DoctestList(packages: [], doctests: []), digests: [:], cargo: nil,
                                   featureArguments: [])

    /// Lists the doctests (none with `--no-doctests` or a target flag, as cargo).
    static func make(build: WorkspaceBuild, options: WorkspaceOptions) throws(TrimError) -> DoctestSuite {
        guard options.runsDoctests else { return .none }
        let cargo = DoctestCargo(workspace: build.workspace, directory: options.directory,
                                 targetDirectory: build.paths.targetDirectory.appendingPathComponent("doctest").path)
        let external = externalLibraries(build)
        var libraries: [String: String] = [:]
        // A library that certainly has no doctest is keyed by its manifests
        // alone: editing its code then finds the listing cached (rustdoc not run).
        var listingKeys: [String: String] = [:]
        var sourcesRead = build.sourceFileHashes?.doctestFreeSources() ?? [:]
        for package in build.workspace.packages where package.libraryCrateName != nil {
            libraries[package.name] = CrateDigest.digest(of: package, workspace: build.workspace,
                                                         externalLibraries: external,
                                                         files: build.sourceFileHashes?.files(of:))
            listingKeys[package.name] = DoctestFreeLibrary.isCertain(package, workspace: build.workspace, sourcesRead: &sourcesRead)
                ? DoctestFreeLibrary.listingKey(package, workspace: build.workspace) : libraries[package.name]
        }
        let cache = DoctestListCache(file: build.paths.targetDirectory.appendingPathComponent("doctest-list"))
        // Listed where the instrumented build left the libraries built (and
        // with its wrapper, so cargo finds them fresh): only rustdoc runs,
        // where a target directory of its own would build them again first.
        let lister = DoctestCargo(workspace: build.workspace, directory: options.directory,
                                  targetDirectory: build.paths.targetDirectory.path,
                                  wrapperEnvironment: build.wrapperEnvironment)
        let key = DoctestListCache.key(digests: listingKeys, arguments: DoctestListing.arguments(options.selection),
                                       toolchain: build.facts.toolchain, cargo: lister)
        let list: DoctestList
        if let cached = cache.load(key: key) {
            list = cached
        } else {
            do { list = try DoctestListing.list(lister, selection: options.selection) } catch {
                try build.session.signals.check()
                throw .cargo(error)
            }
            cache.store(list, key: key)
        }
        try build.session.signals.check()
        var digests: [String: String] = [:]
        for name in list.packages {
            guard let package = build.workspace.package(named: name) else { continue }
            digests[name] = libraries[name]
                ?? CrateDigest.digest(of: package, workspace: build.workspace, externalLibraries: external,
                                      files: build.sourceFileHashes?.files(of:))
        }
        return DoctestSuite(list: list, digests: digests, cargo: cargo,
                            featureArguments: options.selection.buildArguments)
    }

    /// `crate content-hash` of each library module from outside the workspace.
    static func externalLibraries(_ build: WorkspaceBuild) -> [String] {
        let own = Set(build.binaries.map { WorkspaceBuild.moduleKey($0.bitcode) })
        let members = Set(build.workspace.packages.compactMap(\.libraryCrateName))
        return build.modules.values.filter { module in
            !own.contains(module.path) && !members.contains(ModulePairing.crateName(module.path))
        }.map { "\(ModulePairing.crateName($0.path)) \($0.contentHash)" }
    }

    var doctests: [Doctest] { list.doctests }

    func key(_ doctest: Doctest) -> TestKey { TestKey(binary: Doctest.binaryID(package: doctest.package), name: doctest.name) }

    var filterable: [FilterableTest] {
        doctests.map {
            FilterableTest(binary: Doctest.binaryID(package: $0.package), package: $0.package, kind: Doctest.kind,
                           name: $0.name, ignored: $0.ignored)
        }
    }

    /// Doctest key → its crate's digest, for selection.
    var keyDigests: [TestKey: String] {
        var result: [TestKey: String] = [:]
        for doctest in doctests { result[key(doctest)] = digests[doctest.package] }
        return result
    }

    /// The doctest names of every listed package by binary id (a package
    /// whose doctests are all gone lists none: its old ones are forgotten).
    var namesByBinary: [String: [String]] {
        var names: [String: [String]] = [:]
        for package in list.packages { names[Doctest.binaryID(package: package)] = [] }
        for doctest in doctests { names[Doctest.binaryID(package: doctest.package), default: []].append(doctest.name) }
        return names
    }

    /// What the runner starts for the chosen doctests: each its own test,
    /// the chosen ones of a package run together (`DoctestBatch`, in a
    /// directory under `batches`).
    func instances(_ chosen: [FilterableTest], batches: URL) throws(TrimError) -> [TestInstance] {
        guard let cargo, let trim = Self.trimExecutable, !chosen.isEmpty else { return [] }
        var siblings: [String: [String]] = [:]
        for doctest in doctests { siblings[doctest.package, default: []].append(doctest.name) }
        var directories: [String: URL] = [:]
        for (index, group) in Dictionary(grouping: chosen, by: { "\($0.package) \($0.ignored)" }).enumerated() {
            let first = group.value[0]
            let batch = DoctestBatch(package: first.package, names: group.value.map(\.name),
                                     siblings: siblings[first.package] ?? [], cargoArguments: featureArguments,
                                     ignored: first.ignored)
            let directory = batches.appendingPathComponent("\(index)")
            do { try batch.write(to: directory) } catch {
                throw .setup("cannot write the doctest batch \(directory.path): \(error.localizedDescription)")
            }
            directories[group.key] = directory
        }
        return chosen.map { test in
            let filter = DoctestFilter.selecting([test.name], among: siblings[test.package] ?? [])
            // `--option=value`: a value may begin with a dash.
            let arguments = ["run-doctest", "--package=\(test.package)", "--name=\(test.name)",
                             "--batch=\(directories["\(test.package) \(test.ignored)"]!.path)"]
                + filter.filters.map { "--filter=\($0)" } + filter.skips.map { "--skip=\($0)" }
                + featureArguments.map { "--cargo-argument=\($0)" }
            var environment = cargo.environment(base: [:])
            environment["CARGO"] = cargo.workspace.cargo
            return TestInstance(binary: test.binary, name: test.name, executable: trim,
                                directory: cargo.directory.path, environment: environment, ignored: test.ignored,
                                commandArguments: arguments)
        }
    }

    /// This executable (`trim` or `cargo-trim`): both know `run-doctest`.
    static var trimExecutable: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first
    }
}
