import CLLVMShim
import Foundation

/// BLAKE3 of bytes, as hex: how trim names file contents.
public enum ContentHash {
    public static func of(_ data: Data) -> String {
        data.withUnsafeBytes { raw in
            var digest = [UInt8](repeating: 0, count: 16)
            trim_blake3(raw.baseAddress, raw.count, &digest, digest.count)
            return digest.map { String(format: "%02x", $0) }.joined()
        }
    }

    /// The hash of a file's bytes, or nil when it cannot be read.
    public static func of(file path: String) -> String? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { return nil }
        return of(data)
    }
}
