import CContentHash
import Foundation

/// BLAKE3 of bytes, as hex: how trim names file contents.
public enum ContentHash {
    public static func of(_ data: Data) -> String {
        data.withUnsafeBytes { raw in
            var digest = [UInt8](repeating: 0, count: 16)
            trim_blake3(raw.baseAddress, raw.count, &digest, digest.count)
            return hex(digest)
        }
    }

    /// The hash of a file's bytes, or nil when it cannot be read.
    public static func of(file path: String) -> String? {
        var digest = [UInt8](repeating: 0, count: 16)
        guard trim_blake3_file(path, &digest, digest.count) == 0 else { return nil }
        return hex(digest)
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex, without Foundation's format strings (this runs for every file trim reads).
    static func hex(_ bytes: [UInt8]) -> String {
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
