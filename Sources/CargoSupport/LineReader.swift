import Foundation

/// Reads a pipe to its end, handing over each complete line as it arrives.
enum LineReader {
    static func readAll(_ handle: FileHandle, eachLine: (Data) -> Void) -> Data {
        var all = Data()
        var start = 0
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            all.append(chunk)
            while let newline = all[start...].firstIndex(of: UInt8(ascii: "\n")) {
                eachLine(all[start..<newline])
                start = newline + 1
            }
        }
        if start < all.count { eachLine(all[start...]) }
        return all
    }
}
