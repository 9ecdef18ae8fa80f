import Foundation

/// A test attempt's output file, read without ever holding more than
/// `limit` bytes of it: a test that prints gigabytes costs trim a bounded
/// amount of memory. Past the limit the first quarter and the rest's tail
/// are kept, with a line saying how much was left out.
enum OutputFile {
    /// What trim keeps in memory of one attempt's output.
    static let limit = 1 << 20

    static func read(_ url: URL, limit: Int = OutputFile.limit) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()).map(Int.init) ?? 0
        try? handle.seek(toOffset: 0)
        guard size > limit else {
            return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        }
        let headCount = limit / 4
        let tailCount = limit - headCount
        let head = (try? handle.read(upToCount: headCount)) ?? Data()
        try? handle.seek(toOffset: UInt64(size - tailCount))
        let tail = (try? handle.readToEnd()) ?? Data()
        // Cut at character boundaries: a UTF-8 continuation byte never starts a kept part.
        let headText = String(decoding: head.prefix { _ in true }, as: UTF8.self)
        let tailStart = tail.firstIndex { $0 & 0xC0 != 0x80 } ?? tail.endIndex
        return headText + "\n[… trim left out \(size - head.count - tail.count + (tailStart - tail.startIndex)) bytes of output …]\n"
            + String(decoding: tail[tailStart...], as: UTF8.self)
    }
}
