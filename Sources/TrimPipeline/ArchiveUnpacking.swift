import BlockIR
import Foundation
import ProcessSpawn

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
        var tar = URL(fileURLWithPath: file)
        if head == zstdMagic {
            tar = directory.deletingLastPathComponent().appendingPathComponent("archive.tar")
            guard let zstd = ChildProcess.which("zstd") else {
                throw fail("it is zstd-compressed, and zstd is not on PATH")
            }
            let finished: ChildProcess.Finished
            do { finished = try ChildProcess.run(zstd, ["-d", "-q", "-f", file, "-o", tar.path]) } catch {
                throw fail("it is zstd-compressed and zstd cannot be run: \(error)")
            }
            guard finished.status == 0 else {
                let message = String(decoding: finished.stderr, as: UTF8.self)
                    .split(whereSeparator: { $0 == "\r" || $0 == "\n" }).last.map(String.init) ?? ""
                throw fail("it is zstd-compressed and does not decompress (corrupt or truncated): zstd says "
                    + (message.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? message))
            }
        }
        defer { if tar.path != file { unlink(tar.path) } }
        let names: [String]
        do { names = try TarFile.extract(tar, into: directory) } catch { throw fail(error.description) }
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
}
