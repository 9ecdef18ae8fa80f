import BlockIR
import Foundation
import LockedValues
import ProcessSpawn

#if canImport(Glibc)
import Glibc
#endif

extension BuildArchive {
    /// Unpacks `file` into `directory` (fresh, private) and reads its manifest.
    /// Every problem names the file.
    static func open(_ file: String, into directory: URL) throws(TrimError) -> ArchiveManifest {
        func fail(_ problem: String) -> TrimError { .archive(ArchiveError(file: file, problem: problem)) }
        var info = stat()
        guard stat(file, &info) == 0 else { throw fail("no such archive file") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw fail("not a file") }
        guard let handle = FileHandle(forReadingAtPath: file) else { throw fail("cannot read it") }
        let head = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
        try? handle.close()
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw .setup("cannot create \(directory.path): \(error.localizedDescription)")
        }
        let names: [String]
        if head == zstdMagic {
            guard let zstd = ChildProcess.which("zstd") else {
                throw fail("it is zstd-compressed, and zstd is not on PATH")
            }
            names = try extractCompressed(file, zstd: zstd, into: directory,
                                          fifo: directory.deletingLastPathComponent().appendingPathComponent("archive.pipe"))
        } else {
            do { names = try TarFile.extract(URL(fileURLWithPath: file), into: directory) } catch {
                throw fail(error.description)
            }
        }
        guard names.first == ArchiveManifest.fileName,
              let data = FileManager.default.contents(atPath: directory.appendingPathComponent(ArchiveManifest.fileName).path)
        else { throw fail("it is not a trim archive (its first entry is not \(ArchiveManifest.fileName))") }
        let manifest: ArchiveManifest
        do { manifest = try ArchiveManifest.decode(data) } catch { throw fail(error.description) }
        let present = Set(names)
        let needed = manifest.binaries.map(\.executable) + manifest.crates.flatMap(\.units)
        for name in needed where !present.contains("target/" + name) {
            throw fail("it lacks target/\(name), which its manifest names")
        }
        for name in names.dropFirst() {
            guard let recorded = manifest.digests[name] else { throw fail("its entry \(name) is not in its manifest") }
            guard ContentHash.of(file: directory.appendingPathComponent(name).path) == recorded else {
                throw fail("it is corrupt: the bytes of \(name) do not match the digest its manifest records")
            }
        }
        return manifest
    }

    /// zstd decompresses into a FIFO that the tar reader reads as the bytes
    /// come: one pass, no decompressed copy on disk. A second write end, held
    /// until zstd has exited, keeps the reader from taking "zstd has not
    /// opened the FIFO yet" for the end of the data, and gives it that end
    /// however zstd exits.
    static func extractCompressed(_ file: String, zstd: String, into directory: URL, fifo: URL) throws(TrimError)
        -> [String]
    {
        func fail(_ problem: String) -> TrimError { .archive(ArchiveError(file: file, problem: problem)) }
        unlink(fifo.path)
        guard mkfifo(fifo.path, 0o600) == 0 else { throw .setup("cannot create \(fifo.path): \(String(cString: strerror(errno)))") }
        defer { unlink(fifo.path) }
        let readEnd = Glibc.open(fifo.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard readEnd >= 0 else { throw .setup("cannot open \(fifo.path): \(String(cString: strerror(errno)))") }
        let keeper = Glibc.open(fifo.path, O_WRONLY | O_CLOEXEC)
        guard keeper >= 0 else {
            close(readEnd)
            throw .setup("cannot open \(fifo.path): \(String(cString: strerror(errno)))")
        }
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) & ~O_NONBLOCK)
        let zstdDone = DispatchGroup()
        let outcome = LockedBox<Result<ChildProcess.Finished, ChildProcess.SpawnFailure>?>(nil)
        DispatchQueue.global().async(group: zstdDone) {
            outcome.value = Result { () throws(ChildProcess.SpawnFailure) in
                try ChildProcess.run(zstd, ["-d", "-q", "--no-sparse", file, "-o", fifo.path], stdout: .discard)
            }
            close(keeper)
        }
        let input = FileHandle(fileDescriptor: readEnd, closeOnDealloc: false)
        let extracted = Result { () throws(TarFile.Problem) in try TarFile.extract(from: input, into: directory) }
        var readToTheEnd = false
        if case .success = extracted {
            // What zstd writes after the end-of-archive marker (padding), read so it can finish and tell
            // its verdict; never more than 1 MiB, which a tar trim wrote does not have.
            var rest = 0
            while rest < 1 << 20 {
                guard let chunk = try? input.read(upToCount: 65536), !chunk.isEmpty else { readToTheEnd = true; break }
                rest += chunk.count
            }
        }
        close(readEnd)  // a zstd still writing gets EPIPE and stops
        zstdDone.wait()
        let finished: ChildProcess.Finished
        switch outcome.value {
        case .success(let done): finished = done
        case .failure(let error): throw fail("it is zstd-compressed and zstd cannot be run: \(error)")
        case nil: throw fail("it is zstd-compressed and zstd did not run")
        }
        // zstd's status means something only when it was not cut off by the reader closing.
        let zstdFailed = finished.status != 0
        switch extracted {
        case .success(let names) where !(zstdFailed && readToTheEnd): return names
        case .failure(let problem) where !(zstdFailed && problem.endedEarly): throw fail(problem.description)
        default:
            let message = String(decoding: finished.stderr, as: UTF8.self)
                .split(whereSeparator: { $0 == "\r" || $0 == "\n" }).last.map(String.init) ?? ""
            throw fail("it is zstd-compressed and does not decompress (corrupt or truncated): zstd says "
                + (message.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? message))
        }
    }
}
