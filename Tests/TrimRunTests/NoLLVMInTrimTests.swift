import Foundation
import ProcessSpawn
import Testing

/// No executable loads libLLVM (100+ MB, ~11 ms of every start): trim and
/// the other executables that never parse bitcode must not link it, directly
/// or through a dependency, and the reader process holds the few LLVM
/// libraries it needs itself.
@Suite struct NoLLVMInTrimTests {
    static func libraries(_ executable: String) throws -> String {
        let path = ExampleWorkspace.binDirectory.appendingPathComponent(executable).path
        #expect(FileManager.default.isExecutableFile(atPath: path), "\(path) is not built")
        let finished = try ChildProcess.run("/usr/bin/ldd", [path])
        let listing = String(decoding: finished.stdout, as: UTF8.self)
        #expect(finished.status == 0, "ldd \(path): \(String(decoding: finished.stderr, as: UTF8.self))")
        #expect(listing.contains("libc.so"), "ldd lists \(path)'s libraries: \(listing)")
        return listing
    }

    @Test(arguments: ["trim", "cargo-trim", "blockdiff", "trim-ir-worker"])
    func loadsNoLLVM(_ executable: String) throws {
        let llvm = try Self.libraries(executable).split(separator: "\n")
            .filter { $0.localizedCaseInsensitiveContains("llvm") }
        #expect(llvm.isEmpty, "\(executable) loads \(llvm.joined(separator: "; "))")
    }

    /// The rustc wrapper, started for every rustc call, is one static
    /// executable (no dynamic loader, no shared library to bind at every
    /// start) and holds none of LLVM's functions.
    @Test func theWrapperIsStaticAndHoldsNoLLVM() throws {
        let path = ExampleWorkspace.binDirectory.appendingPathComponent("trim-rustc-wrapper").path
        let finished = try ChildProcess.run("/usr/bin/ldd", [path])
        let said = String(decoding: finished.stdout + finished.stderr, as: UTF8.self)
        #expect(said.contains("not a dynamic executable"), "ldd \(path): \(said)")
        #expect(try Self.ownLLVMFunctions("trim-rustc-wrapper").isEmpty)
    }

    /// The check sees LLVM where it is: linked into the worker, whose reader works.
    @Test func theWorkerHoldsLLVMsReader() throws {
        let worker = try Self.ownLLVMFunctions("trim-ir-worker")
        #expect(worker.contains { $0.contains("BitcodeReader") }, "the worker holds no bitcode reader")
        #expect(!(try Self.libraries("trim-ir-worker").localizedCaseInsensitiveContains("libLLVM")))
    }

    /// The functions of LLVM's that `executable` holds itself (BLAKE3 linked
    /// from libLLVMSupport.a, or anything else taken from that archive).
    static func ownLLVMFunctions(_ executable: String) throws -> [String] {
        let path = ExampleWorkspace.binDirectory.appendingPathComponent(executable).path
        let finished = try ChildProcess.run("/usr/bin/nm", ["--defined-only", path])
        #expect(finished.status == 0, "nm \(path): \(String(decoding: finished.stderr, as: UTF8.self))")
        return String(decoding: finished.stdout, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 3, fields[1] == "T" || fields[1] == "t" else { return nil }
            let name = String(fields[2])
            return name.hasPrefix("llvm") || name.hasPrefix("_llvm") || name.hasPrefix("_ZN4llvm") ? name : nil
        }
    }

    /// trim takes BLAKE3 alone from LLVM's static library.
    @Test func onlyBLAKE3IsLinkedIntoTrim() throws {
        let trim = try Self.ownLLVMFunctions("trim")
        #expect(trim.contains("llvm_blake3_hasher_update"))
        #expect(trim.allSatisfy { $0.contains("llvm_blake3_") }, "\(trim.filter { !$0.contains("llvm_blake3_") })")
    }
}
