import Foundation
import RustcWrapping

#if canImport(Glibc)
import Glibc
#endif

/// Listens on a FIFO in the run's scratch directory for the wrapper's
/// notices (`LinkStage`): one `<out dir>/<stem>` line as each test or bin
/// executable starts linking, whose units `<stem>.trim-units-linking` names,
/// and one `linked` line once it has linked. `heard` gets the crate's module
/// key path (`<out dir>/<stem>.bc`) and unit files while the executable
/// links, `linked` the executable once whole; both on the listening thread.
final class LinkNotices: @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    private let stopped = DispatchSemaphore(value: 0)

    /// Nil when the FIFO cannot be made: the crates are then merged as cargo reports them.
    init?(directory: URL, heard: @escaping @Sendable (_ bitcode: String, _ units: [String]) -> Void,
          linked: @escaping @Sendable (LinkStage.Linked) -> Void = { _ in }) {
        path = directory.appendingPathComponent("link-notices").path
        unlink(path)
        guard mkfifo(path, 0o600) == 0 else { return nil }
        // Read and write: never an end of file while no linker has it open, and `stop` can write.
        descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        let (descriptor, stopped) = (descriptor, stopped)
        Thread {
            var pending: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            listening: while true {
                let count = read(descriptor, &chunk, chunk.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                pending += chunk[0..<count]
                while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<end], as: UTF8.self)
                    pending.removeSubrange(...end)
                    guard !line.isEmpty else { break listening }  // `stop`
                    if let executable = LinkStage.linked(line) {
                        linked(executable)
                    } else if let units = LinkStage.notedUnits(line) {
                        heard(line + ".bc", units)
                    }
                }
            }
            stopped.signal()
        }.start()
    }

    /// Stops listening once every notice written before is handled.
    func stop() {
        var end = UInt8(ascii: "\n")
        _ = write(descriptor, &end, 1)
        stopped.wait()
        close(descriptor)
        unlink(path)
    }
}
